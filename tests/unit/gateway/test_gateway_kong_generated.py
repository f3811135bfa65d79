"""kong/kong.yml is generated from kong/kong.base.yml and the OpenAPI contracts, and routes as they say.

Every operation of every contract goes through the gateway's router (the generated file, loaded as
the local gateway loads it): it reaches its contract's service, with the jwt plugin exactly when its
security accepts a user token, and an operation only services may call has no route. The issue's
cases are made on a copy of the contracts, as a user editing a contract would.
"""

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from mesh.gateway.declarative import build, load
from mesh.gateway.kong_schema import validate
from mesh.gateway.openapi2kong.contract import ContractError
from mesh.gateway.openapi2kong.render import generate
from mesh.gateway.router import Router
from mesh.gateway.support import unsupported

pytestmark = pytest.mark.unit
REPO = Path(__file__).resolve().parents[3]
BASE = REPO / "kong" / "kong.base.yml"
KONG_YML = REPO / "kong" / "kong.yml"
OPENAPI = Path("contracts") / "openapi"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
BEARER = {"Authorization": "Bearer x.y.z"}
# The gateway answers GET /health itself (kong.base.yml's gateway-health), for every service.
GATEWAY_OWN = {("GET", "/health")}


def contract_services() -> dict[str, str]:
    base = yaml.safe_load(BASE.read_text())
    return {s["x-contract"]: s["name"] for s in base["services"] if "x-contract" in s}


def who_may_call(operation: dict, contract: dict) -> str:
    """'public', 'user' or 'internal', read from the contract's security and its schemes."""
    requirements = operation.get("security", contract.get("security")) or []
    if not requirements or {} in requirements:
        return "public"
    schemes = contract["components"]["securitySchemes"]
    callers = {schemes[name]["x-cinemesh-caller"] for requirement in requirements for name in requirement}
    return "user" if "user" in callers else "internal"


def contract_operations(root: Path) -> list[tuple[str, str, str, dict, dict]]:
    """(contract, METHOD, path, operation, contract document) for every operation of every contract."""
    found = []
    for contract in contract_services():
        document = yaml.safe_load((root / contract).read_text())
        for path, item in document["paths"].items():
            for method in (m for m in item if m in METHODS):
                operation = {**{k: v for k, v in item.items() if k.startswith("x-")}, **item[method]}
                found.append((contract, method.upper(), path, operation, document))
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x-1", path)


def router_for(root: Path, keys_dir: Path) -> Router:
    return Router(build(yaml.safe_load(generate(BASE, root)), keys_dir).routes)


@pytest.fixture(scope="module")
def router(keys_dir) -> Router:
    """The committed kong.yml as the local gateway loads it."""
    return Router(load(KONG_YML, keys_dir).routes)


def test_committed_kong_yml_is_the_generators_output():
    assert KONG_YML.read_text() == generate(BASE, REPO), "run `make generate` and commit kong/kong.yml"


def test_generated_kong_yml_passes_kong3_rules_and_the_local_gateway(keys_dir):
    doc = yaml.safe_load(KONG_YML.read_text())
    assert validate(doc) == []
    assert unsupported(doc) == []
    assert not [key for key in doc if key.startswith("x-")]
    build(doc, keys_dir)


def test_every_rest_contract_feeds_the_gateway():
    contracts = {
        str(OPENAPI / p.name) for p in (REPO / OPENAPI).glob("*.yaml") if p.name != "components.yaml"
    }
    assert set(contract_services()) == contracts


@pytest.mark.parametrize(
    ("contract", "method", "path", "operation", "document"),
    contract_operations(REPO),
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_every_operation_is_routed_as_its_contract_says(router, contract, method, path, operation, document):
    target = concrete(path)
    access = who_may_call(operation, document)
    if access == "internal":
        assert router.match(method, target, BEARER) is None, "only services may call it: no route"
        assert router.match(method, target) is None
        return
    match = router.match(method, target)
    assert match is not None, f"{method} {path} of {contract} has no route"
    if (method, path) in GATEWAY_OWN:
        assert match.route.service is None
        return
    assert match.route.service.name == contract_services()[contract]
    assert match.upstream_path == target
    assert ("jwt" in match.route.plugins) is (access == "user")
    if access == "user":
        assert "anonymous" not in match.route.plugins["jwt"].config
        assert match.route.plugins["jwt"].config["uri_param_names"] == []
    for key, plugin in operation.items():
        if key.startswith("x-kong-plugin-"):
            config = match.route.plugins[key.removeprefix("x-kong-plugin-")].config
            assert config.items() >= plugin["config"].items(), key
    if method == "GET":
        assert router.match("HEAD", target).route == match.route
    preflight = router.match("OPTIONS", target)
    assert preflight is not None and preflight.route.service == match.route.service


def user_path(doc: dict) -> None:
    doc["paths"]["/users/me/sessions"] = {"get": operation("handlers.user.api.users.sessions", "bearerAuth")}


def screens(doc: dict) -> None:
    doc["paths"]["/screens"] = {
        "get": operation("handlers.cinema.api.screens.search"),
        "post": operation("handlers.cinema.api.screens.create", "bearerAuth"),
    }


def delete_payment(doc: dict) -> None:
    doc["paths"]["/payments/{payment_id}"]["delete"] = operation(
        "handlers.payment.api.payments.cancel", "bearerAuth"
    )


def reviews(doc: dict) -> None:
    doc["paths"]["/movies/{movie_id}/reviews"] = {
        "get": operation("handlers.cinema.api.reviews.search", "bearerAuth")
    }


def operation(operation_id: str, scheme: str | None = None) -> dict:
    security = {"security": [{scheme: []}]} if scheme else {}
    return {"operationId": operation_id, **security, "responses": {"200": {"description": "ok"}}}


def edit(root: Path, name: str, change: Callable[[dict], None]) -> None:
    path = root / OPENAPI / name
    document = yaml.safe_load(path.read_text())
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False))


@pytest.fixture
def contracts_copy(tmp_path) -> Path:
    shutil.copytree(REPO / OPENAPI, tmp_path / OPENAPI)
    return tmp_path


@pytest.mark.parametrize(
    ("name", "change", "calls"),
    [
        ("user.yaml", user_path, [("GET", "/users/me/sessions", "user-service", True)]),
        (
            "cinema.yaml",
            screens,
            [("GET", "/screens", "cinema-service", False), ("POST", "/screens", "cinema-service", True)],
        ),
        ("payment.yaml", delete_payment, [("DELETE", "/payments/p-1", "payment-service", True)]),
        ("cinema.yaml", reviews, [("GET", "/movies/m-1/reviews", "cinema-service", True)]),
    ],
    ids=["new-user-path", "new-cinema-resource", "delete-payment", "movie-reviews-with-bearer"],
)
def test_a_new_operation_gets_its_route_and_its_auth_from_the_contract(
    contracts_copy, keys_dir, name, change, calls
):
    before = router_for(contracts_copy, keys_dir)
    assert [before.match(method, path) for method, path, _, _ in calls] == [None] * len(calls)
    edit(contracts_copy, name, change)
    after = router_for(contracts_copy, keys_dir)
    for method, path, service, needs_jwt in calls:
        match = after.match(method, path)
        assert match is not None, (method, path)
        assert match.route.service.name == service
        assert ("jwt" in match.route.plugins) is needs_jwt, (method, path)
        assert after.match("OPTIONS", path) is not None, "CORS preflight"
    assert after.match("GET", "/payments/p-1").route.name == "handlers.payment.api.payments.fetch"


def test_a_concrete_path_wins_over_a_templated_one_in_kong3s_priority_order(contracts_copy, keys_dir):
    def templated_first(doc: dict) -> None:
        doc["paths"] = {"/users/{user_id}": {"get": operation("u.get")}, **doc["paths"]}

    edit(contracts_copy, "user.yaml", templated_first)
    router = router_for(contracts_copy, keys_dir)
    assert router.match("GET", "/users/me").route.name == "handlers.user.api.users.me"
    assert router.match("GET", "/users/u-1").route.name == "u.get"
    doc = yaml.safe_load(generate(BASE, contracts_copy))
    priorities = [r.get("regex_priority", 0) for s in doc["services"] for r in s["routes"]]
    assert min(priorities) >= 0, "Kong 3 shifts regex_priority into an unsigned priority"


def test_a_service_only_operation_and_a_plugin_extension(contracts_copy, keys_dir):
    def change(doc: dict) -> None:
        doc["paths"]["/payments/{payment_id}/captures"] = {
            "post": operation("handlers.payment.api.captures.create", "bookingService")
        }
        doc["paths"]["/payments"]["get"]["x-kong-plugin-rate-limiting"] = {
            "config": {"minute": 7, "limit_by": "ip"}
        }

    edit(contracts_copy, "payment.yaml", change)
    router = router_for(contracts_copy, keys_dir)
    assert router.match("POST", "/payments/p-1/captures", BEARER) is None
    limiter = router.match("GET", "/payments").route.plugins["rate-limiting"].config
    assert (limiter["minute"], limiter["limit_by"], limiter["policy"]) == (7, "ip", "redis"), (
        "base defaults under it"
    )
    assert "# DO NOT EDIT" in generate(BASE, contracts_copy).splitlines()[0]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            lambda d: d["components"]["securitySchemes"]["bearerAuth"].pop("x-cinemesh-caller"),
            "security scheme 'bearerAuth' needs x-cinemesh-caller",
        ),
        (lambda d: d["paths"]["/users/me"]["get"].update(security=[{"apiKey": []}]), "'apiKey' is not in"),
        (lambda d: d["paths"]["/users/me"]["get"].pop("operationId"), "GET /users/me: no operationId"),
        (
            lambda d: d["paths"]["/users/me"]["get"].update({"x-kong-plugin-jwt": {}}),
            "the jwt plugin comes from the operation's security",
        ),
        (
            lambda d: d["paths"]["/users"]["post"].update(
                {"x-kong-plugin-rate-limiting": {"config": {"minit": 1}}}
            ),
            "config.minit: unknown field",
        ),
    ],
)
def test_what_cannot_be_generated_is_refused_naming_the_contract_element(contracts_copy, change, named):
    edit(contracts_copy, "user.yaml", change)
    with pytest.raises(ContractError) as refused:
        generate(BASE, contracts_copy)
    assert named in str(refused.value)
