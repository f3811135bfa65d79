"""kong/kong.yml against Kong 3's declarative rules and the public surface of the issue."""

import copy
from pathlib import Path

import pytest
import yaml

from mesh.gateway.declarative import PUBLIC_KEY_PLACEHOLDER, ConfigError, build
from mesh.gateway.kong_schema import validate
from mesh.gateway.router import Router

pytestmark = pytest.mark.unit
KONG_YML = Path(__file__).resolve().parents[3] / "kong" / "kong.yml"


@pytest.fixture(scope="module")
def doc() -> dict:
    return yaml.safe_load(KONG_YML.read_text())


def test_kong_yml_follows_kong3_declarative_rules(doc):
    assert doc["_format_version"] == "3.0"
    assert validate(doc) == []


def _service(doc, name):
    return next(s for s in doc["services"] if s["name"] == name)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: _service(d, "user-service")["routes"][0].update(strip_paht=False),
            "strip_paht: unknown field",
        ),
        (lambda d: d["plugins"][0].update(name="correlation_id"), "unknown plugin"),
        (lambda d: d["plugins"][3]["config"].update(minut=5), "config.minut: unknown field"),
        (lambda d: d["plugins"][3]["config"].update(limit_by="user"), "'user' is not one of"),
        (lambda d: d["plugins"][3]["config"]["redis"].update(hots="x"), "redis.hots: unknown field"),
        (lambda d: d["plugins"][1]["config"].update(methods=["GET", "FETCH"]), "'FETCH' is not one of"),
        (lambda d: d["plugins"][2]["config"].update(size_unit="kb"), "'kb' is not one of"),
        (
            lambda d: _service(d, "cinema-service").update(read_timeout="30s"),
            "read_timeout: expected an integer",
        ),
        (lambda d: _service(d, "cinema-service").update(url="127.0.0.1:8102"), "url:"),
        (
            lambda d: _service(d, "booking-service")["routes"][0].update(paths=["graphql"]),
            "must start with /",
        ),
        (lambda d: _service(d, "booking-service")["routes"][0].update(paths=["~/graphql("]), "invalid regex"),
        (
            lambda d: _service(d, "booking-service")["routes"][0].update(methods=["post"]),
            "'post' is not one of",
        ),
        (
            lambda d: _service(d, "payment-service")["routes"][0].update(name="booking-graphql"),
            "used more than once",
        ),
        (lambda d: d["consumers"][0]["jwt_secrets"][0].pop("rsa_public_key"), "needs rsa_public_key"),
        (lambda d: d["consumers"][0]["jwt_secrets"][0].update(algorithm="RS255"), "'RS255' is not one of"),
        (lambda d: d["plugins"].append({"name": "cors", "config": {}}), "more than one 'cors'"),
        (lambda d: d["plugins"][3]["config"].pop("minute"), "at least one of second"),
        (lambda d: d.update(servics=[]), "unknown key 'servics'"),
        (
            lambda d: d["consumers"].append(copy.deepcopy(d["consumers"][0])),
            "jwt_secret key 'cinemesh-user-service'",
        ),
        (lambda d: d.update(_format_version="1.1"), "_format_version"),
        (lambda d: d["plugins"][4]["config"]["add"].update(header=[]), "add.header: unknown field"),
        (lambda d: d["plugins"][4]["config"]["add"]["headers"].append("X-No-Colon"), "does not match"),
        (lambda d: d["plugins"][4]["config"].update(rename={"headers": ["A:B C"]}), "'B C' is not a valid"),
        (lambda d: d["plugins"][4]["config"]["add"].update(json_types=["int"]), "'int' is not one of"),
        (
            lambda d: _service(d, "booking-service")["routes"][0].update(headers={"Host": ["x"]}),
            "cannot contain 'host' header",
        ),
        (
            lambda d: _service(d, "booking-service")["routes"][0].update(headers={"Authorization": ["~*("]}),
            "invalid regex",
        ),
        (
            lambda d: _service(d, "booking-service")["routes"][0].update(headers={"Auth orization": ["x"]}),
            "bad header name",
        ),
    ],
)
def test_a_typo_fails(doc, mutate, expected):
    broken = copy.deepcopy(doc)
    mutate(broken)
    problems = validate(broken)
    assert any(expected in p for p in problems), problems


def _with_regex_priority(doc: dict, priority: int) -> dict:
    changed = copy.deepcopy(doc)
    _service(changed, "payment-service")["routes"][0]["regex_priority"] = priority
    return changed


@pytest.mark.parametrize("priority", [-1, -100, 4096, 8192])
def test_a_regex_priority_that_would_outrank_every_route_in_kong_is_refused(doc, keys_dir, priority):
    """Kong 3 takes it, then its router shifts it into an unsigned priority above every other route's."""
    problems = validate(_with_regex_priority(doc, priority))
    route = _service(doc, "payment-service")["routes"][0]["name"]
    assert [p for p in problems if f"route {route!r}" in p and "regex_priority" in p], problems
    with pytest.raises(ConfigError, match="outrank every route"):
        build(_with_regex_priority(doc, priority), keys_dir)


@pytest.mark.parametrize("priority", [0, 1, 4095])
def test_a_regex_priority_within_kongs_range_passes(doc, priority):
    assert validate(_with_regex_priority(doc, priority)) == []


def test_global_plugins_are_the_required_set(doc):
    assert [p["name"] for p in doc["plugins"]] == [
        "correlation-id",
        "cors",
        "request-size-limiting",
        "rate-limiting",
        "response-transformer",
    ]
    limiter = doc["plugins"][3]["config"]
    assert limiter["limit_by"] == "ip"
    assert limiter["policy"] == "redis"


def test_no_route_counts_every_user_in_one_bucket(doc, keys_dir):
    """Every user token is the one consumer cinemesh-users (and every anonymous request another), so a
    limit by consumer or credential would be one bucket for all users: the mesh-wide cap it once was."""
    for route in build(doc, keys_dir).routes:
        limiter = route.plugins.get("rate-limiting")
        assert limiter is not None and limiter.config["limit_by"] == "ip", route.name


def test_jwt_consumer_is_keyed_by_the_issuer_with_the_key_placeholder(doc):
    users, anonymous = doc["consumers"]
    (secret,) = users["jwt_secrets"]
    assert secret == {
        "key": "cinemesh-user-service",
        "algorithm": "RS256",
        "rsa_public_key": PUBLIC_KEY_PLACEHOLDER,
    }
    assert anonymous["username"] == "cinemesh-anonymous"
    assert "jwt_secrets" not in anonymous, "nobody can authenticate as the anonymous consumer"


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def _added_headers(plugin: dict) -> dict[str, str]:
    return dict(entry.split(":", 1) for entry in plugin["config"]["add"]["headers"])


def test_security_headers_everywhere_and_scripts_only_where_a_page_needs_them(doc, keys_dir):
    config = build(doc, keys_dir)
    api_csp = "default-src 'none'; frame-ancestors 'none'"
    assert _added_headers(doc["plugins"][4]) == {**SECURITY_HEADERS, "Content-Security-Policy": api_csp}
    for route in config.routes:
        added = _added_headers({"config": route.plugins["response-transformer"].config})
        csp = "frame-ancestors 'none'" if route.name == "booking-graphiql" else api_csp
        assert added == {**SECURITY_HEADERS, "Content-Security-Policy": csp}, route.name


def test_every_route_keeps_service_paths(doc):
    routes = [r for s in doc["services"] for r in s["routes"]] + doc["routes"]
    assert all(r.get("strip_path") is False for r in routes)


# The surface kong.base.yml writes by hand; every operation of the OpenAPI contracts is checked
# against its contract in test_gateway_kong_generated.py.
PUBLIC_SURFACE = [
    ("POST", "/users", "user-service", False, "ip"),
    ("POST", "/auth/token", "user-service", False, "ip"),
    ("GET", "/.well-known/jwks.json", "user-service", False, "ip"),
    ("GET", "/users/me", "user-service", True, "ip"),
    ("GET", "/showtimes/42/seats", "cinema-service", False, "ip"),
    ("POST", "/graphql", "booking-service", "anonymous", "ip"),
    ("GET", "/graphql", "booking-service", False, "ip"),
    ("GET", "/docs", "docs", False, "ip"),
    ("GET", "/docs/openapi/user.html", "docs", False, "ip"),
    ("HEAD", "/docs/", "docs", False, "ip"),
]
BEARER = {"Authorization": "Bearer x.y.z"}
NOT_ROUTED = [
    ("POST", "/payments", BEARER),
    ("POST", "/payments/p1/refunds", BEARER),
    ("GET", "/payments/p1/refunds", BEARER),
    ("DELETE", "/payments/p1", BEARER),
    ("GET", "/users", {}),
    ("PUT", "/graphql", BEARER),
    ("POST", "/docs", {}),
    ("GET", "/docsx", {}),
    ("PUT", "/movies", BEARER),
    ("GET", "/movies/m1", {}),
]


@pytest.mark.parametrize(("method", "path", "service", "needs_jwt", "limit_by"), PUBLIC_SURFACE)
def test_public_surface(doc, keys_dir, method, path, service, needs_jwt, limit_by):
    """``needs_jwt``: True (a token or 401), "anonymous" (a token or the anonymous consumer), False."""
    match = Router(build(doc, keys_dir).routes).match(method, path)
    assert match is not None
    assert match.route.service.name == service
    assert match.upstream_path == path
    assert ("jwt" in match.route.plugins) is bool(needs_jwt)
    if needs_jwt:
        jwt_config = match.route.plugins["jwt"].config
        assert jwt_config["claims_to_verify"] == ["exp"]
        assert jwt_config["uri_param_names"] == [], "a token in the query string would be logged"
        assert jwt_config.get("anonymous") == ("cinemesh-anonymous" if needs_jwt == "anonymous" else None)
    assert match.route.plugins["rate-limiting"].config["limit_by"] == limit_by
    assert {"cors", "correlation-id", "request-size-limiting"} <= set(match.route.plugins)


def test_a_bearer_token_on_graphql_takes_the_route_without_anonymous(doc, keys_dir):
    """With ``anonymous`` Kong lets an invalid token through: bearer requests must not get there."""
    router = Router(build(doc, keys_dir).routes)
    for header in ("Bearer x.y.z", "bearer x.y.z", "  BEARER\tx"):
        match = router.match("POST", "/graphql", {"Authorization": header})
        assert match.route.name == "booking-graphql-bearer", header
        assert "anonymous" not in match.route.plugins["jwt"].config
    for headers in ({}, {"Authorization": "Basic dXNlcjpwdw=="}):
        assert router.match("POST", "/graphql", headers).route.name == "booking-graphql", headers


@pytest.mark.parametrize(("method", "path", "headers"), NOT_ROUTED)
def test_not_public(doc, keys_dir, method, path, headers):
    assert Router(build(doc, keys_dir).routes).match(method, path, headers) is None


def test_gateway_health_is_terminated_by_the_gateway(doc, keys_dir):
    match = Router(build(doc, keys_dir).routes).match("GET", "/health")
    assert match.route.service is None
    assert match.route.plugins["request-termination"].config["status_code"] == 200


@pytest.mark.parametrize(
    ("mutate", "named"),
    [
        (lambda d: d["plugins"].append({"name": "key-auth"}), "global plugin 'key-auth'"),
        (
            lambda d: _service(d, "booking-service")["routes"][2].update(hosts=["x.dev"]),
            "route 'booking-graphiql': route field 'hosts'",
        ),
        (
            lambda d: _service(d, "user-service").update(tls_verify=True),
            "service 'user-service': service field",
        ),
        (
            lambda d: d["plugins"][3]["config"].update(limit_by="service"),
            "limit_by='service' is not implemented",
        ),
        (lambda d: d["plugins"][0]["config"].update(generator="tracker"), "generator='tracker'"),
        (
            lambda d: d["plugins"][4]["config"].update(remove={"headers": ["Server"]}),
            "global plugin 'response-transformer': config field 'remove'",
        ),
        (
            lambda d: d["plugins"][4]["config"]["add"].update(json=["a:b"]),
            "config add field 'json' is not implemented",
        ),
        (
            lambda d: d["plugins"][3]["config"]["redis"].update(ssl=True),
            "config redis field 'ssl' is not implemented",
        ),
    ],
)
def test_local_gateway_refuses_what_it_does_not_implement(doc, keys_dir, mutate, named):
    changed = copy.deepcopy(doc)
    mutate(changed)
    assert validate(changed) == []
    with pytest.raises(ConfigError) as refused:
        build(changed, keys_dir)
    assert any(named in p for p in refused.value.problems), refused.value.problems


def test_anonymous_must_name_a_consumer_of_kong_yml(doc, keys_dir):
    changed = copy.deepcopy(doc)
    changed["consumers"].pop()
    assert validate(changed) == [], "Kong itself accepts it (and answers 500 at request time)"
    with pytest.raises(ConfigError) as refused:
        build(changed, keys_dir)
    assert refused.value.problems == [
        "route 'booking-graphql' plugin 'jwt': "
        "anonymous consumer 'cinemesh-anonymous' is not a consumer of kong.yml"
    ]


def test_placeholder_resolves_to_the_keys_dir(doc, keys_dir):
    (credential,) = build(doc, keys_dir).credentials.values()
    assert len(credential.public_keys) == 1
    assert credential.consumer.username == "cinemesh-users"
