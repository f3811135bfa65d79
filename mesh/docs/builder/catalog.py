"""What each builder hands back: the files it wrote and the index entry of each contract."""

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml


class BuildError(Exception):
    """A contract the portal cannot render as it is (the message names the contract and the element)."""


@dataclass(frozen=True)
class Entry:
    kind: str
    title: str
    version: str
    summary: str
    source: str  # the contract's path under contracts/
    links: tuple[tuple[str, str], ...]


@dataclass
class Site:
    files: dict[str, str] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)

    def add(self, relative: str, content: str) -> str:
        if relative in self.files:
            raise BuildError(f"two pages would be written to generated/docs/{relative}")
        self.files[relative] = content
        return f"/docs/{relative}"

    def write(self, out_dir: Path) -> None:
        for relative, content in sorted(self.files.items()):
            target = out_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)


class _ContractLoader(yaml.SafeLoader):
    """YAML as the browser tools read it: dates and times stay the strings the contract wrote."""


_ContractLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path) -> dict:
    return yaml.load(path.read_text(), Loader=_ContractLoader)


def to_json(document: object) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def first_paragraph(value: str | None) -> str:
    return " ".join((value or "").strip().split("\n\n")[0].split())
