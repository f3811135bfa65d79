"""Consumer-breaking differences between two JSON Schemas of a payload (local $refs resolved, allOf merged).

Breaking: a property removed, a required property added (older messages lack it), a required property made
optional, a type or const changed, enum values removed. A warning (WARNINGS): enum values added. An optional
property added is neither.
"""

from collections.abc import Iterator

from .verdict import Change

WARNINGS = frozenset({"enum-widened"})


def resolve(document: dict, node):
    """The node with its local `$ref`s followed and its `allOf` branches merged into one schema."""
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    if not isinstance(node, dict):
        return node
    merged = {key: value for key, value in node.items() if key != "allOf"}
    for branch in node.get("allOf", []):
        merged = _merge(merged, resolve(document, branch))
    return merged


def _merge(left: dict, right: dict) -> dict:
    """Two resolved schemas as one; a property that both describe becomes an allOf of the two."""
    merged = {**left, **right}
    if "required" in left or "required" in right:
        merged["required"] = sorted(set(left.get("required", [])) | set(right.get("required", [])))
    properties = dict(left.get("properties", {}))
    for name, schema in right.get("properties", {}).items():
        properties[name] = {"allOf": [properties[name], schema]} if name in properties else schema
    if properties:
        merged["properties"] = properties
    return merged


def _types(schema: dict) -> set[str]:
    declared = schema.get("type", [])
    return {declared} if isinstance(declared, str) else set(declared)


def diff(document_old: dict, old, document_new: dict, new, where: str) -> Iterator[Change]:
    old, new = resolve(document_old, old), resolve(document_new, new)
    if not isinstance(old, dict) or not isinstance(new, dict):
        return
    if _types(old) != _types(new):
        yield Change(where, "type-changed", f"type {sorted(_types(old))} became {sorted(_types(new))}")
    if old.get("const") != new.get("const"):
        yield Change(where, "const-changed", f"const {old.get('const')!r} became {new.get('const')!r}")
    yield from _enum(old, new, where)
    yield from _properties(document_old, old, document_new, new, where)
    if "items" in old and "items" in new:
        yield from diff(document_old, old["items"], document_new, new["items"], f"{where}[]")


def _enum(old: dict, new: dict, where: str) -> Iterator[Change]:
    if "enum" not in new:
        return
    if "enum" not in old:
        yield Change(where, "enum-added", f"values are now limited to {new['enum']}")
        return
    if gone := [value for value in old["enum"] if value not in new["enum"]]:
        yield Change(where, "enum-narrowed", f"values {gone} were removed")
    if added := [value for value in new["enum"] if value not in old["enum"]]:
        yield Change(
            where, "enum-widened", f"values {added} were added; consumers may meet values they do not know"
        )


def _properties(document_old: dict, old: dict, document_new: dict, new: dict, where: str) -> Iterator[Change]:
    before, after = old.get("properties", {}), new.get("properties", {})
    required_before, required_after = set(old.get("required", [])), set(new.get("required", []))
    for name in before:
        path = f"{where}.{name}"
        if name not in after:
            yield Change(path, "property-removed", "the property was removed")
            continue
        if name in required_before and name not in required_after:
            yield Change(path, "property-made-optional", "a required property became optional")
        if name in required_after and name not in required_before:
            yield Change(path, "property-made-required", "an optional property became required")
        yield from diff(document_old, before[name], document_new, after[name], path)
    for name in after.keys() - before.keys():
        if name in required_after:
            yield Change(f"{where}.{name}", "required-property-added", "a new property is required")
