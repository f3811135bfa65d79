"""GraphQL: graphql-core's find_breaking_changes (fails) and find_dangerous_changes (printed as warnings).

An SDL states its version in a `# version: MAJOR.MINOR.PATCH` comment line; a base SDL without one is 1.0.0.
"""

import re
from pathlib import Path

from graphql import build_schema, find_breaking_changes, find_dangerous_changes

from .verdict import Change, Verdict, removed

VERSION = re.compile(r"^#\s*version:\s*(\S+)\s*$", re.MULTILINE)
ELEMENT = re.compile(r"@?\w+\.\w+(?:\(\w+:\))?|@\w+(?:\(\w+:\))?")
BUMP = "bump the major of its `# version:` line"


def version(sdl: str, default: str | None = None) -> str | None:
    found = VERSION.search(sdl)
    return found.group(1) if found else default


def _change(change) -> Change:  # a BreakingChange or a DangerousChange
    named = ELEMENT.search(change.description)
    element = named.group(0) if named else change.description.split(" ", 1)[0]
    return Change(element, change.type.name, change.description)


def _sdls(root: Path) -> dict[str, str]:
    files = sorted((root / "contracts/graphql").glob("*.graphql"))
    return {str(path.relative_to(root)): path.read_text(encoding="utf-8") for path in files}


def compare(base_root: Path, tree_root: Path) -> list[Verdict]:
    old, new = _sdls(base_root), _sdls(tree_root)
    verdicts = [removed(name, version(old[name], "1.0.0")) for name in old if name not in new]
    for name in sorted(old.keys() & new.keys()):
        verdict = Verdict(
            name, old_version=version(old[name], "1.0.0"), new_version=version(new[name]), how_to_bump=BUMP
        )
        if verdict.new_version is None:
            missing = Change("the SDL", "version-missing", "no `# version: MAJOR.MINOR.PATCH` line")
            verdict.breaking.append(missing)
        before, after = build_schema(old[name]), build_schema(new[name])
        verdict.breaking += [_change(change) for change in find_breaking_changes(before, after)]
        verdict.warnings += [_change(change) for change in find_dangerous_changes(before, after)]
        verdicts.append(verdict)
    return verdicts
