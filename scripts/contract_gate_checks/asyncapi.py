"""AsyncAPI: each channel's messages and payload schemas, compared for consumers; bump: `info.version`."""

from pathlib import Path

import yaml

from .jsonschema_diff import WARNINGS, diff, resolve
from .verdict import Change, Verdict, removed

BUMP = "bump the major of its info.version"


def _documents(root: Path) -> dict[str, dict]:
    files = sorted((root / "contracts/asyncapi").glob("*.yaml"))
    return {str(path.relative_to(root)): yaml.safe_load(path.read_text(encoding="utf-8")) for path in files}


def _messages(document: dict) -> dict[tuple[str, str], dict]:
    return {
        (channel_name, message_name): resolve(document, message)
        for channel_name, channel in (document.get("channels") or {}).items()
        for message_name, message in (resolve(document, channel).get("messages") or {}).items()
    }


def _changes(old: dict, new: dict) -> list[Change]:
    old_channels, new_channels = set(old.get("channels") or {}), set(new.get("channels") or {})
    changes = [
        Change(f"channel {name}", "channel-removed", "the channel was removed")
        for name in sorted(old_channels - new_channels)
    ]
    before, after = _messages(old), _messages(new)
    for channel, message in sorted(before):
        element = f"channel {channel} message {message}"
        if (channel, message) in after:
            payloads = before[channel, message].get("payload"), after[channel, message].get("payload")
            changes += diff(old, payloads[0], new, payloads[1], f"{element} payload")
        elif channel in new_channels:
            changes.append(Change(element, "message-removed", "the message was removed from the channel"))
    return changes


def compare(base_root: Path, tree_root: Path) -> list[Verdict]:
    old, new = _documents(base_root), _documents(tree_root)
    verdicts = [removed(name, old[name]["info"]["version"]) for name in old if name not in new]
    for name in sorted(old.keys() & new.keys()):
        versions = old[name]["info"]["version"], new[name]["info"]["version"]
        verdict = Verdict(name, old_version=versions[0], new_version=versions[1], how_to_bump=BUMP)
        for change in _changes(old[name], new[name]):
            (verdict.warnings if change.rule in WARNINGS else verdict.breaking).append(change)
        verdicts.append(verdict)
    return verdicts
