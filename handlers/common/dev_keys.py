"""``python -m handlers.common.dev_keys``: a development key pair for every signer that has none."""

from handlers.common.keys import SIGNERS, ensure_dev_keys
from handlers.common.settings import ServiceSettings

if __name__ == "__main__":
    settings = ServiceSettings()
    ensure_dev_keys(settings.jwt_keys_dir)
    print(f"JWT keys of {', '.join(SIGNERS)} in {settings.jwt_keys_dir} (public/<owner>, private/<owner>)")
