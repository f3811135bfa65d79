"""Tiny field checkers used to state Kong 3's declarative schema as data.

A checker takes a value and returns a list of problems (empty when the value is valid).
``Record`` checks a mapping's keys against its declared fields, so a misspelt key is a problem.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Check = Callable[[Any], list[str]]


def _kind(expected: type | tuple[type, ...], name: str) -> Check:
    def check(value: Any) -> list[str]:
        if isinstance(value, bool) and bool not in (expected if isinstance(expected, tuple) else (expected,)):
            return [f"expected {name}, got a boolean"]
        return [] if isinstance(value, expected) else [f"expected {name}, got {type(value).__name__}"]

    return check


def boolean() -> Check:
    return _kind(bool, "a boolean")


def string(pattern: str | None = None, one_of: tuple[str, ...] | None = None) -> Check:
    def check(value: Any) -> list[str]:
        if not isinstance(value, str):
            return [f"expected a string, got {type(value).__name__}"]
        if one_of is not None and value not in one_of:
            return [f"{value!r} is not one of {', '.join(one_of)}"]
        if pattern is not None and not re.fullmatch(pattern, value):
            return [f"{value!r} does not match {pattern}"]
        return []

    return check


def number(
    lo: float | None = None, hi: float | None = None, integer: bool = False, gt: float | None = None
) -> Check:
    def check(value: Any) -> list[str]:
        problems = _kind(int if integer else (int, float), "an integer" if integer else "a number")(value)
        if problems:
            return problems
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            return [f"{value} is not between {lo} and {hi}"]
        if gt is not None and value <= gt:
            return [f"{value} must be greater than {gt}"]
        return []

    return check


def array(element: Check, min_len: int = 0) -> Check:
    def check(value: Any) -> list[str]:
        if not isinstance(value, list):
            return [f"expected an array, got {type(value).__name__}"]
        if len(value) < min_len:
            return [f"needs at least {min_len} element(s)"]
        return [f"[{i}]: {p}" for i, item in enumerate(value) for p in element(item)]

    return check


@dataclass(frozen=True)
class Record:
    """A mapping whose keys must be among ``fields``; ``defaults`` are Kong's values for absent keys."""

    fields: Mapping[str, Check]
    defaults: Mapping[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()

    def __call__(self, value: Any) -> list[str]:
        if not isinstance(value, Mapping):
            return [f"expected a record, got {type(value).__name__}"]
        problems = [f"{key}: unknown field" for key in value if key not in self.fields]
        problems += [f"{key}: required field missing" for key in self.required if key not in value]
        for key, item in value.items():
            if key in self.fields and item is not None:
                separator = "." if isinstance(self.fields[key], Record) else ": "
                problems += [f"{key}{separator}{p}" for p in self.fields[key](item)]
        return problems

    def with_defaults(self, value: Mapping[str, Any] | None) -> dict[str, Any]:
        merged = {**self.defaults, **(value or {})}
        for key, check in self.fields.items():
            if isinstance(check, Record) and (key in merged or check.defaults):
                merged[key] = check.with_defaults(merged.get(key))
        return merged


def regex(value: Any) -> list[str]:
    try:
        re.compile(value)
    except re.error as exc:
        return [f"invalid regex: {exc}"]
    return []
