"""Kong-style route matching: methods, headers, prefix and ``~`` regex paths, strip_path.

Order of evaluation is Kong 3's (``kong/router/transform.lua`` ``get_priority``, restricted to
methods, headers and paths): routes matching on more kinds of things first (methods, headers and
paths each count one), then more header names, then regex paths before prefix paths, regexes by
``regex_priority`` (highest first), prefixes longest first. Regex paths are anchored at the start of
the path, as in Kong 3. A header value starting with ``~*`` is a regex searched in the lower-cased
header value, any other value must equal it ignoring case; one matching value of any of the
request's lines for that header is enough (``any(lower(http.headers.<name>))``).

``match`` takes the path as Kong's router does, normalised (``mesh.gateway.uri.normalize``); with
strip_path, what follows the matched part loses a leading ``./`` or ``../`` (``sanitize_uri_postfix``).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.datastructures import Headers

from mesh.gateway.model import Route


@dataclass(frozen=True)
class Match:
    route: Route
    upstream_path: str


@dataclass(frozen=True)
class _HeaderRule:
    name: str
    equal: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]

    @classmethod
    def of(cls, name: str, values: tuple[str, ...]) -> "_HeaderRule":
        patterns = tuple(re.compile(v[2:].lower()) for v in values if v.startswith("~*"))
        return cls(name, frozenset(v.lower() for v in values if not v.startswith("~*")), patterns)

    def matches(self, headers: Headers) -> bool:
        for value in (v.lower() for v in headers.getlist(self.name)):
            if value in self.equal or any(p.search(value) for p in self.patterns):
                return True
        return False


@dataclass(frozen=True)
class _Candidate:
    route: Route
    prefix: str | None
    pattern: re.Pattern[str] | None
    header_rules: tuple[_HeaderRule, ...]

    @property
    def sort_key(self) -> tuple:
        route, regex = self.route, self.pattern is not None
        weight = 1 + (route.methods is not None) + bool(route.headers)
        return (
            -weight,
            -len(route.headers),
            not regex,
            -route.regex_priority if regex else 0,
            0 if regex else -len(self.prefix or ""),
        )


class Router:
    def __init__(self, routes: list[Route]):
        candidates = []
        for route in routes:
            rules = tuple(_HeaderRule.of(name, values) for name, values in route.headers)
            for path in route.paths:
                if path.startswith("~"):
                    candidates.append(_Candidate(route, None, re.compile(path[1:]), rules))
                else:
                    candidates.append(_Candidate(route, path, None, rules))
        self._candidates = sorted(candidates, key=lambda c: c.sort_key)

    def match(self, method: str, path: str, headers: Mapping[str, str] | None = None) -> Match | None:
        request_headers = headers if isinstance(headers, Headers) else Headers(headers=dict(headers or {}))
        for candidate in self._candidates:
            route = candidate.route
            if route.methods is not None and method not in route.methods:
                continue
            if not all(rule.matches(request_headers) for rule in candidate.header_rules):
                continue
            matched = self._matched_part(candidate, path)
            if matched is None:
                continue
            rest = _sanitize_postfix(path[len(matched) :]) if route.strip_path else path
            return Match(route, rest if rest.startswith("/") else "/" + rest)
        return None

    @staticmethod
    def _matched_part(candidate: _Candidate, path: str) -> str | None:
        if candidate.pattern is not None:
            found = candidate.pattern.match(path)
            return found.group(0) if found else None
        return candidate.prefix if path.startswith(candidate.prefix or "/") else None


def _sanitize_postfix(postfix: str) -> str:
    if postfix in (".", ".."):
        return ""
    for dots in ("./", "../"):
        if postfix.startswith(dots):
            return postfix[len(dots) :]
    return postfix
