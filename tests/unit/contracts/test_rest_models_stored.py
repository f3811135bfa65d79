"""Every property of a REST contract's request and response models is stored and returned (no service needed).

A property added to a contract and regenerated, but not to the service's storage, used to be
dropped silently: ``POST /movies`` answered 201 without it and ``PATCH`` changed nothing. For
each operation of contracts/openapi/*.yaml, every property of its request body's generated model
must be a field of the class it is stored on, and every property of its success response's
model (and of the models nested in it) a field of the class the view reads it from, unless
``SOURCES`` lists it as derived, with the reason. A schema the operations use that ``SOURCES``
does not map fails too, and so does an entry naming a schema or property the contract no longer has.
"""

import dataclasses
import importlib
import types
from dataclasses import dataclass, field
from typing import Any, Union, get_args, get_origin

import pytest
import yaml
from pydantic import BaseModel, RootModel, create_model

from handlers.cinema import models as cinema
from handlers.cinema import seat_map
from handlers.common.settings import REPO_ROOT
from handlers.payment import models as payment
from handlers.user import models as user

pytestmark = pytest.mark.unit
OPENAPI = REPO_ROOT / "contracts" / "openapi"
METHODS = {"get", "put", "post", "delete", "patch"}


@dataclass(frozen=True)
class Stored:
    """A schema whose properties are fields of ``on`` (where a request is stored, where a view reads),
    but for the ``derived`` ones, each with the reason it is not one."""

    on: type
    derived: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Computed:
    """A schema with no storage behind it: every property is in ``derived``, with its reason."""

    derived: dict[str, str]


@dataclass(frozen=True)
class Opaque:
    """A schema that is not a resource of the service (a probe, a key set): ``reason`` says what it is."""

    reason: str


def page(items: str) -> Computed:
    return Computed(
        {
            "total": "counted by the page query (catalog_rules.page)",
            "limit": "the request's limit",
            "offset": "the request's offset",
            "items": f"the page's rows, each checked as {items}",
        }
    )


HEALTH = Opaque("the liveness probe's own answer")
SOURCES: dict[str, dict[str, Stored | Computed | Opaque]] = {
    "cinema.yaml": {
        "Health": HEALTH,
        "Cinema": Stored(cinema.Cinema),
        "CinemaCreate": Stored(cinema.Cinema),
        "CinemaPatch": Stored(cinema.Cinema),
        "CinemaPage": page("Cinema"),
        "Hall": Stored(cinema.Hall),
        "HallCreate": Stored(cinema.Hall),
        "HallPatch": Stored(cinema.Hall),
        "Movie": Stored(cinema.Movie),
        "MovieCreate": Stored(cinema.Movie),
        "MoviePatch": Stored(cinema.Movie),
        "MoviePage": page("Movie"),
        "Showtime": Stored(
            cinema.Showtime, {"cinema_id": "the hall's cinema, joined when read (showtimes._with_cinema)"}
        ),
        "ShowtimeCreate": Stored(cinema.Showtime),
        "ShowtimePatch": Stored(cinema.Showtime),
        "ShowtimePage": page("Showtime"),
        "SeatMap": Stored(seat_map.SeatMap),
        "Seat": Stored(seat_map.SeatView),
    },
    "payment.yaml": {
        "Health": HEALTH,
        "PaymentRequest": Stored(payment.ChargeIntent),
        "Payment": Stored(
            payment.Payment,
            {
                "refunded_amount": "the sum of its succeeded Refund ledger entries (views.payment_view)",
                "refunds": "its succeeded Refund ledger entries, each checked as Refund",
            },
        ),
        "PaymentList": Computed({"items": "the caller's payments, each checked as Payment"}),
        "RefundRequest": Stored(payment.Refund),
        "Refund": Stored(payment.Refund),
    },
    "user.yaml": {
        "Health": HEALTH,
        "RegistrationRequest": Stored(
            user.User, {"password": "stored as password_hash (argon2id), never as sent"}
        ),
        "User": Stored(user.User),
        "LoginRequest": Stored(user.User, {"password": "verified against password_hash, never stored"}),
        "RefreshRequest": Stored(
            user.RefreshToken, {"refresh_token": "looked up by its SHA-256, RefreshToken.id; never stored"}
        ),
        "TokenResponse": Computed(
            {
                "access_token": "signed when issued (tokens.access_token), never stored",
                "token_type": "always Bearer",
                "expires_in": "the access token lifetime setting",
                "refresh_token": "issued at random; only its SHA-256 is stored (RefreshToken.id)",
            }
        ),
        "JsonWebKeySet": Opaque(
            "the public signing keys as RFC 7517 writes them, read from the key directory"
        ),
    },
}


def contracts() -> dict[str, dict]:
    return {
        spec.name: yaml.safe_load(spec.read_text(encoding="utf-8"))
        for spec in sorted(OPENAPI.glob("*.yaml"))
        if spec.stem != "components"
    }


def generated(contract: str) -> types.ModuleType:
    return importlib.import_module(f"generated.openapi.{contract.removesuffix('.yaml')}")


def schema_name(media: dict, where: str, problems: list[str]) -> str | None:
    schema = media.get("application/json", {}).get("schema")
    if schema is None:
        return None
    if "$ref" not in schema:
        problems.append(f"{where}: an inline schema; name it in components/schemas so it can be checked")
        return None
    return schema["$ref"].rpartition("/")[2]


def operation_schemas(spec: dict, contract: str, problems: list[str]) -> list[tuple[str, str, str]]:
    """(schema name, "request" or "response", the operation) of every JSON body of every operation."""
    found = []
    for path, item in (spec.get("paths") or {}).items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            where = f"{method.upper()} {path}"
            body = operation.get("requestBody", {}).get("content", {})
            if name := schema_name(body, f"{contract} {where} request body", problems):
                found.append((name, "request", f"{where} request body"))
            for status, response in operation.get("responses", {}).items():
                if str(status).startswith("2"):
                    content = response.get("content", {})
                    if name := schema_name(content, f"{contract} {where} {status}", problems):
                        found.append((name, "response", f"{where} {status}"))
    return found


def nested_models(annotation: Any) -> list[type[BaseModel]]:
    """The generated object models inside a property's type (through lists and optionals, not root models)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [] if issubclass(annotation, RootModel) else [annotation]
    if get_origin(annotation) in (list, Union, types.UnionType):
        return [model for argument in get_args(annotation) for model in nested_models(argument)]
    return []


def fields_of(cls: type) -> set[str]:
    if dataclasses.is_dataclass(cls):
        return {item.name for item in dataclasses.fields(cls)}
    return set(cls.model_fields)  # type: ignore[attr-defined]


def properties(model: type[BaseModel]) -> dict[str, Any]:
    """The contract's property names (aliases where the generator renamed one) and their types."""
    return {info.alias or name: info.annotation for name, info in model.model_fields.items()}


def drift(
    contract: str, spec: dict, module: Any, sources: dict[str, Stored | Computed | Opaque]
) -> list[str]:
    """What of ``contract``'s request and response models is neither stored/returned nor declared derived."""
    problems: list[str] = []
    pending = operation_schemas(spec, contract, problems)
    seen: set[str] = set()
    while pending:
        name, role, where = pending.pop(0)
        if name in seen:
            continue
        seen.add(name)
        model = getattr(module, name, None)
        if model is None:
            problems.append(f"{contract}: schema {name} ({where}) has no generated model: run make generate")
            continue
        source = sources.get(name)
        if source is None:
            problems.append(f"{contract}: schema {name} ({where}) is not mapped in SOURCES of {__name__}")
            continue
        if isinstance(source, Opaque):
            continue
        stored = fields_of(source.on) if isinstance(source, Stored) else set()
        verb = "stored" if role == "request" else "returned"
        for prop, annotation in properties(model).items():
            if prop not in stored and prop not in source.derived:
                missing = (
                    f"{source.on.__module__}.{source.on.__qualname__} has no field {prop!r}"
                    if isinstance(source, Stored)
                    else f"{name} is computed and SOURCES gives no reason for {prop!r}"
                )
                problems.append(
                    f"{contract}: {name}.{prop} ({where}) is not {verb}: {missing} "
                    "(add it there, or list it as derived in SOURCES with the reason)"
                )
            if role == "response":
                pending += [(nested.__name__, role, f"{name}.{prop}") for nested in nested_models(annotation)]
        stale = sorted(set(source.derived) - set(properties(model)))
        problems += [
            f"{contract}: SOURCES lists {name}.{prop} as derived; the contract has no such property"
            for prop in stale
        ]
    problems += [
        f"{contract}: SOURCES maps {name}, which no operation uses" for name in sorted(set(sources) - seen)
    ]
    return problems


@pytest.mark.parametrize("contract", list(contracts()))
def test_every_property_is_stored_and_returned(contract):
    spec = contracts()[contract]
    assert drift(contract, spec, generated(contract), SOURCES[contract]) == []


def test_every_contract_is_mapped():
    assert set(SOURCES) == set(contracts())


def with_language(module: types.ModuleType, *names: str) -> types.SimpleNamespace:
    """A copy of a generated module whose ``names`` models gained an optional ``language``, as
    ``make generate`` writes them once the contract's schemas have the property."""
    copy = types.SimpleNamespace(**vars(module))
    for name in names:
        setattr(copy, name, create_model(name, __base__=getattr(module, name), language=(str | None, None)))
    return copy


def named(problems: list[str]) -> list[str]:
    return sorted(problem.split(" (")[0] for problem in problems)


def test_a_property_added_to_the_contract_and_not_to_storage_fails_naming_it():
    """The issue's case: optional ``language`` on Movie, MovieCreate and MoviePatch of cinema.yaml."""
    contract = "cinema.yaml"
    module = with_language(generated(contract), "Movie", "MovieCreate", "MoviePatch")
    problems = drift(contract, contracts()[contract], module, SOURCES[contract])
    assert named(problems) == [
        "cinema.yaml: Movie.language",
        "cinema.yaml: MovieCreate.language",
        "cinema.yaml: MoviePatch.language",
    ]
    stored = "is not stored: handlers.cinema.models.Movie has no field 'language'"
    assert any("MovieCreate.language (POST /movies request body) " + stored in p for p in problems)
    assert any("MoviePatch.language (PATCH /movies/{movie_id} request body) " + stored in p for p in problems)
    assert any("Movie.language (POST /movies 201) is not returned" in p for p in problems)


def test_a_property_added_to_storage_too_passes():
    contract = "cinema.yaml"
    module = with_language(generated(contract), "Movie", "MovieCreate", "MoviePatch")
    storage = dataclasses.make_dataclass("Movie", [*fields_of(cinema.Movie), "language"])
    sources = {
        **SOURCES[contract],
        **{name: Stored(storage) for name in ("Movie", "MovieCreate", "MoviePatch")},
    }
    assert drift(contract, contracts()[contract], module, sources) == []


def test_a_response_property_nested_in_another_is_checked():
    contract = "payment.yaml"
    module = with_language(generated(contract), "Refund")
    problems = drift(contract, contracts()[contract], module, SOURCES[contract])
    assert named(problems) == ["payment.yaml: Refund.language"]


def test_a_property_added_to_a_computed_schema_fails_naming_it():
    contract = "user.yaml"
    module = with_language(generated(contract), "TokenResponse")
    problems = drift(contract, contracts()[contract], module, SOURCES[contract])
    assert named(problems) == ["user.yaml: TokenResponse.language"]
    assert "TokenResponse is computed and SOURCES gives no reason for 'language'" in problems[0]


def test_an_unmapped_schema_and_a_stale_reason_fail():
    contract = "payment.yaml"
    sources = {name: source for name, source in SOURCES[contract].items() if name != "RefundRequest"}
    sources["Payment"] = Stored(payment.Payment, {**SOURCES[contract]["Payment"].derived, "fee": "gone"})  # type: ignore[union-attr]
    sources["Invoice"] = Stored(payment.Payment)
    problems = drift(contract, contracts()[contract], generated(contract), sources)
    assert any(
        problem.startswith("payment.yaml: schema RefundRequest") and "not mapped" in problem
        for problem in problems
    )
    assert "payment.yaml: SOURCES lists Payment.fee as derived; the contract has no such property" in problems
    assert "payment.yaml: SOURCES maps Invoice, which no operation uses" in problems
