"""OpenAPI: oasdiff's breaking-change rules (ERR fails, WARN is printed) per API; bump: `info.version`."""

import json
import subprocess
from pathlib import Path

import yaml

from .verdict import Change, Verdict, removed

OASDIFF = Path(__file__).resolve().parents[1] / "oasdiff.sh"
ERR, WARN = 3, 2
BUMP = "bump the major of its info.version"


def _apis(root: Path) -> dict[str, dict]:
    """API documents by relative path; a file without paths (components.yaml) counts through its $refs."""
    apis = {}
    for path in sorted((root / "contracts/openapi").glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if document.get("paths"):
            apis[str(path.relative_to(root))] = document
    return apis


def _element(change: dict) -> str:
    if change.get("path"):
        return f"{change.get('operation', '')} {change['path']}".strip()
    return change.get("section", "document")


def _oasdiff(base: Path, revision: Path) -> list[dict]:
    done = subprocess.run(
        [str(OASDIFF), "breaking", str(base), str(revision), "--flatten-allof", "--format", "json"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"oasdiff failed on {revision}:\n{done.stderr.strip()}")
    return json.loads(done.stdout or "[]")


def compare(base_root: Path, tree_root: Path) -> list[Verdict]:
    old, new = _apis(base_root), _apis(tree_root)
    verdicts = [removed(name, old[name]["info"]["version"]) for name in old if name not in new]
    for name in sorted(old.keys() & new.keys()):
        versions = old[name]["info"]["version"], new[name]["info"]["version"]
        verdict = Verdict(name, old_version=versions[0], new_version=versions[1], how_to_bump=BUMP)
        for change in _oasdiff(base_root / name, tree_root / name):
            found = Change(_element(change), change["id"], change["text"])
            if change["level"] >= ERR:
                verdict.breaking.append(found)
            elif change["level"] == WARN:
                verdict.warnings.append(found)
        verdicts.append(verdict)
    return verdicts
