"""``python -m mesh.gateway.openapi2kong [--base kong/kong.base.yml] [--out kong/kong.yml]``."""

import argparse
import sys
from pathlib import Path

from mesh.gateway.openapi2kong.contract import ContractError
from mesh.gateway.openapi2kong.render import generate

REPO_ROOT = Path(__file__).resolve().parents[3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", type=Path, default=REPO_ROOT / "kong" / "kong.base.yml")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "kong" / "kong.yml")
    args = parser.parse_args()
    try:
        text = generate(args.base.resolve(), REPO_ROOT)
    except ContractError as error:
        sys.exit(f"kong.yml not generated: {error}")
    args.out.write_text(text)


if __name__ == "__main__":
    main()
