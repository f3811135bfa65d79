"""``python -m mesh.docs.builder OUT_DIR``: writes the portal's pages (scripts/generate.sh calls it)."""

import sys
from pathlib import Path

from handlers.common.settings import REPO_ROOT
from mesh.docs.builder import build_site
from mesh.docs.builder.catalog import BuildError


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0]) if argv else REPO_ROOT / "generated" / "docs"
    try:
        site = build_site(REPO_ROOT / "contracts")
    except BuildError as exc:
        print(f"docs portal: {exc}", file=sys.stderr)
        return 1
    site.write(out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
