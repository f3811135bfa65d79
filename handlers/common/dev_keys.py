"""``python -m handlers.common.dev_keys``: create the development JWT key pair if absent."""

from handlers.common.keys import ensure_dev_keys
from handlers.common.settings import ServiceSettings

if __name__ == "__main__":
    settings = ServiceSettings()
    ensure_dev_keys(settings.jwt_keys_dir)
    print(f"JWT keys in {settings.jwt_keys_dir}")
