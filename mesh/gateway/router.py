"""Kong-style route matching: methods, prefix paths and ``~`` regex paths, strip_path.

Order of evaluation (Kong's traditional_compatible router, restricted to methods and paths):
routes that also match on methods come before routes matching on paths alone; then regex
paths by ``regex_priority`` (highest first), then prefix paths, longest first. Regex paths are
anchored at the start of the path, as in Kong 3.
"""

import re
from dataclasses import dataclass

from mesh.gateway.model import Route


@dataclass(frozen=True)
class Match:
    route: Route
    upstream_path: str


@dataclass(frozen=True)
class _Candidate:
    route: Route
    prefix: str | None
    pattern: re.Pattern[str] | None

    @property
    def sort_key(self) -> tuple:
        has_methods = self.route.methods is not None
        if self.pattern is not None:
            return (not has_methods, 0, -self.route.regex_priority, 0)
        return (not has_methods, 1, 0, -len(self.prefix or ""))


class Router:
    def __init__(self, routes: list[Route]):
        candidates = []
        for route in routes:
            for path in route.paths:
                if path.startswith("~"):
                    candidates.append(_Candidate(route, None, re.compile(path[1:])))
                else:
                    candidates.append(_Candidate(route, path, None))
        self._candidates = sorted(candidates, key=lambda c: c.sort_key)

    def match(self, method: str, path: str) -> Match | None:
        for candidate in self._candidates:
            route = candidate.route
            if route.methods is not None and method not in route.methods:
                continue
            matched = self._matched_part(candidate, path)
            if matched is None:
                continue
            rest = path[len(matched) :] if route.strip_path else path
            return Match(route, rest if rest.startswith("/") else "/" + rest)
        return None

    @staticmethod
    def _matched_part(candidate: _Candidate, path: str) -> str | None:
        if candidate.pattern is not None:
            found = candidate.pattern.match(path)
            return found.group(0) if found else None
        return candidate.prefix if path.startswith(candidate.prefix or "/") else None
