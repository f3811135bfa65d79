"""What a checker reports for one contract file, and the version rule every kind shares."""

import re
from dataclasses import dataclass, field

_MAJOR = re.compile(r"^\s*v?(\d+)(?:\.|$)")


@dataclass(frozen=True)
class Change:
    element: str  # path and operation, field, message, proto location
    rule: str  # the tool's or the gate's rule id
    text: str

    def line(self) -> str:
        return f"{self.element}: [{self.rule}] {self.text}"


@dataclass
class Verdict:
    contract: str  # path relative to the repository
    breaking: list[Change] = field(default_factory=list)
    warnings: list[Change] = field(default_factory=list)
    old_version: str | None = None
    new_version: str | None = None
    how_to_bump: str = "bump the major of its version"

    @property
    def major_bumped(self) -> bool:
        old, new = major(self.old_version), major(self.new_version)
        return old is not None and new is not None and new > old

    @property
    def failed(self) -> bool:
        return bool(self.breaking) and not self.major_bumped


def major(version: str | None) -> int | None:
    found = _MAJOR.match(version or "")
    return int(found.group(1)) if found else None


def removed(contract: str, old_version: str | None) -> Verdict:
    """A contract file that the base has and the working tree does not: its clients lose everything."""
    gone = Change(
        "the whole contract", "contract-removed", "the file was deleted; its clients lose every element"
    )
    return Verdict(contract, breaking=[gone], old_version=old_version)
