"""Protobuf: `buf breaking` with the rules of contracts/proto/buf.yaml (WIRE_JSON).

A new major version is a new package (cinema/v2/, `package cinema.v2;`): buf compares messages by their full
name, so it never compares cinema.v2 with cinema.v1, and a change inside an existing package always fails.
"""

import json
import re
import subprocess
from pathlib import Path

from .verdict import Change, Verdict

BUF = Path(__file__).resolve().parents[2] / "node_modules/.bin/buf"
MODULE = "contracts/proto"
OWNER = re.compile(r'on (message|enum|service|oneof) "([\w.]+)"')
BREAKING = 100  # buf's exit status when it found breaking changes
BUMP = (
    "put the change in a new major package (e.g. cinema/v2/ with `package cinema.v2;`) and keep the old one"
)


def compare(base_root: Path, tree_root: Path) -> list[Verdict]:
    if not (base_root / MODULE).is_dir() or not (tree_root / MODULE).is_dir():
        return []
    done = subprocess.run(
        [str(BUF), "breaking", MODULE, "--against", str(base_root / MODULE), "--error-format", "json"],
        cwd=tree_root,
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, BREAKING):
        raise RuntimeError(f"buf breaking failed:\n{(done.stderr or done.stdout).strip()}")
    verdicts: dict[str, Verdict] = {}
    for line in done.stdout.splitlines():
        failure = json.loads(line)
        verdict = verdicts.setdefault(failure["path"], Verdict(failure["path"], how_to_bump=BUMP))
        owner = OWNER.search(failure["message"])
        element = f"{owner.group(1)} {owner.group(2)}, " if owner else ""
        element += f"line {failure.get('start_line', '?')}"
        verdict.breaking.append(Change(element, failure["type"], failure["message"]))
    return list(verdicts.values())
