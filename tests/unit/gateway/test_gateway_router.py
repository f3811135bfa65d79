"""Kong-style route matching on methods, prefix and regex paths, strip_path."""

import pytest

from mesh.gateway.model import Route, Service
from mesh.gateway.router import Router

pytestmark = pytest.mark.unit
SVC = Service(name="svc", url="http://upstream")


def route(name, paths, methods=None, strip=False, priority=0):
    return Route(
        name=name,
        service=SVC,
        methods=frozenset(methods) if methods else None,
        paths=tuple(paths),
        strip_path=strip,
        regex_priority=priority,
    )


def test_longest_prefix_wins():
    router = Router([route("short", ["/a"]), route("long", ["/a/b"])])
    assert router.match("GET", "/a/b/c").route.name == "long"
    assert router.match("GET", "/a/x").route.name == "short"


def test_regex_is_anchored_at_the_start_and_honours_dollar():
    router = Router([route("exact", ["~/users$"])])
    assert router.match("POST", "/users").route.name == "exact"
    assert router.match("POST", "/users/me") is None
    assert router.match("POST", "/v1/users") is None


def test_methods_filter_and_routes_with_methods_come_first():
    router = Router([route("any", ["/x"]), route("post", ["/x"], ["POST"])])
    assert router.match("POST", "/x").route.name == "post"
    assert router.match("GET", "/x").route.name == "any"


def test_regex_priority_orders_regexes():
    router = Router([route("low", ["~/a/.*"], priority=0), route("high", ["~/a/b.*"], priority=10)])
    assert router.match("GET", "/a/bc").route.name == "high"


def test_strip_path_removes_the_matched_part():
    router = Router([route("strip", ["/api"], strip=True), route("re", ["~/v[0-9]+"], strip=True)])
    assert router.match("GET", "/api/things").upstream_path == "/things"
    assert router.match("GET", "/api").upstream_path == "/"
    assert router.match("GET", "/v2/x").upstream_path == "/x"


def test_strip_path_drops_a_leading_dot_segment_of_the_rest_as_kong():
    router = Router([route("strip", ["/api"], strip=True)])
    assert router.match("GET", "/api../x").upstream_path == "/x"
    assert router.match("GET", "/api./x").upstream_path == "/x"
    assert router.match("GET", "/api..").upstream_path == "/"


def test_no_match_is_none():
    assert Router([route("a", ["/a"], ["GET"])]).match("DELETE", "/a") is None


def with_headers(name, paths, headers, methods=None):
    return Route(
        name=name,
        service=SVC,
        methods=frozenset(methods) if methods else None,
        paths=tuple(paths),
        headers=tuple((k.lower(), tuple(v)) for k, v in headers.items()),
    )


def test_header_routes_are_more_specific_and_match_case_insensitively():
    router = Router(
        [
            route("plain", ["~/graphql$"], ["POST"]),
            with_headers("bearer", ["~/graphql$"], {"Authorization": ["~*bearer\\s"]}, ["POST"]),
            with_headers("exact", ["/v"], {"X-Version": ["Two"]}),
        ]
    )
    assert router.match("POST", "/graphql", {"Authorization": "BEARER abc"}).route.name == "bearer"
    assert router.match("POST", "/graphql", {"Authorization": "Basic abc"}).route.name == "plain"
    assert router.match("POST", "/graphql").route.name == "plain"
    assert router.match("GET", "/v", {"x-version": "two"}).route.name == "exact"
    assert router.match("GET", "/v", {"x-version": "two-and-more"}) is None


def test_kong_priority_weight_before_regex_and_prefix_length():
    router = Router(
        [
            route("long-prefix", ["/a/b/c"]),
            route("regex", ["~/a/"]),
            route("methods-and-short-prefix", ["/a"], ["GET"]),
        ]
    )
    assert router.match("GET", "/a/b/c").route.name == "methods-and-short-prefix"
    assert router.match("POST", "/a/b/c").route.name == "regex", "same weight: regex before prefix"
    assert router.match("POST", "/a/x").route.name == "regex"
