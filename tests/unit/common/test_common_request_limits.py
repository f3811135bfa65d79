"""The request-body limits: the scanner judges JSON text without parsing or recursing, the middleware
refuses before the app reads a byte and replays accepted bodies unchanged."""

import json
import time

import httpx
import pytest
from connexion.exceptions import BadRequestProblem

from handlers.common.request_limits import BodyLimits, RequestLimits, json_refusal
from handlers.common.validation import RedactingJSONBodyValidator, _storable

pytestmark = pytest.mark.unit
LIMITS = BodyLimits(max_body_bytes=4096, max_json_depth=4, max_number_digits=5)


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b'{"a": [1, 2.5, -3e10, {"b": null}], "c": "x"}',
        nested(4),
        b'{"a": {"b": {"c": {"d": 12345}}}}',
        b'{"s": "[[[[[[[[{{{{{{ 1234567890123 ]]]]"}',
        b'{"s": "quote \\" then [[[[[[ and \\\\", "t": 99999}',
        b"not json at all",
    ],
)
def test_bodies_within_the_limits_pass(body):
    assert json_refusal(body, LIMITS) is None


@pytest.mark.parametrize(
    ("body", "slug"),
    [
        (nested(5), "body-too-deep"),
        (b'{"a": {"b": {"c": {"d": {"e": 1}}}}}', "body-too-deep"),
        (b'{"s": "\\"", "a": [[[[[]]]]]}', "body-too-deep"),
        (b'{"n": 123456}', "number-too-long"),
        (b'{"n": 1.123456}', "number-too-long"),
        (b'{"s": "x"} 9' + b"9" * 5000, "number-too-long"),
    ],
)
def test_bodies_over_a_limit_are_refused_without_echoing_them(body, slug):
    refusal = json_refusal(body, LIMITS)
    assert refusal is not None and refusal.status == 400 and refusal.slug == slug
    assert "123456" not in refusal.detail and "[" not in refusal.detail


@pytest.mark.parametrize(
    "body",
    [
        b'"' + b'\\"' * 32_000,  # an unterminated string made of escaped quotes
        b'"a' * 32_000,  # many strings, none closed the way a regex might expect
        b"[" * 65_000,
        b"[]" * 32_000,
        b"1" * 65_000,
    ],
)
def test_the_scan_is_linear_on_hostile_text(body):
    started = time.perf_counter()
    json_refusal(body, BodyLimits(max_body_bytes=len(body)))
    assert time.perf_counter() - started < 0.2


def test_defaults_refuse_the_measured_attacks():
    defaults = BodyLimits()
    assert json_refusal(b'{"a":' * 400 + b"1" + b"}" * 400, defaults).slug == "body-too-deep"
    assert json_refusal(b'{"n": ' + b"9" * 5000 + b"}", defaults).slug == "number-too-long"
    assert json_refusal(b'{"amount": 9223372036854775807, "n": [[[1]]]}', defaults) is None


class Recorder:
    """An ASGI app that answers 200 with the body it read."""

    def __init__(self):
        self.calls = 0

    async def __call__(self, scope, receive, send):
        self.calls += 1
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})


@pytest.fixture
def app() -> Recorder:
    return Recorder()


@pytest.fixture
async def client(app):
    transport = httpx.ASGITransport(app=RequestLimits(app, LIMITS))
    async with httpx.AsyncClient(transport=transport, base_url="http://limits.test") as client:
        yield client


def assert_problem(response: httpx.Response, status: int, slug: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["type"].endswith("/" + slug) and problem["detail"]


async def test_an_accepted_body_reaches_the_app_unchanged(client, app):
    body = json.dumps({"a": [1, 2, {"b": "c" * 3000}]}).encode()
    response = await client.post("/x", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200 and response.content == body and app.calls == 1


async def test_a_declared_oversized_body_is_refused_unread(client, app):
    response = await client.post("/x", content=b" " * 5000, headers={"content-type": "application/json"})
    assert_problem(response, 413, "content-too-large")
    assert response.headers["connection"] == "close" and app.calls == 0


async def test_a_streamed_body_is_refused_once_it_grows_past_the_limit(client, app):
    async def chunks():
        for _ in range(100):
            yield b" " * 1000

    response = await client.post("/x", content=chunks(), headers={"content-type": "application/json"})
    assert_problem(response, 413, "content-too-large")
    assert app.calls == 0


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/merge-patch+json; charset=utf-8", None]
)
async def test_json_bodies_are_scanned(client, app, content_type):
    headers = {"content-type": content_type} if content_type else {}
    response = await client.post("/x", content=nested(5), headers=headers)
    assert_problem(response, 400, "body-too-deep")
    assert app.calls == 0


async def test_other_bodies_are_only_measured(client, app):
    response = await client.post("/x", content=nested(5), headers={"content-type": "text/plain"})
    assert response.status_code == 200 and app.calls == 1


async def test_the_reply_can_be_replaced(app):
    limited = RequestLimits(app, LIMITS, reply=lambda refusal: ("application/json", b'{"errors": []}'))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=limited), base_url="http://x") as client:
        response = await client.post("/x", content=nested(5), headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json() == {"errors": []}


# The validator behind the middleware stands on its own too: no body makes it recurse or crash.

VALIDATOR = RedactingJSONBodyValidator(schema={"type": "object"}, encoding="utf-8", strict_validation=True)


async def stream(body: bytes):
    yield body


@pytest.mark.parametrize(
    ("body", "detail"),
    [(nested(5000), "nested too deeply"), (b'{"n": ' + b"9" * 5000 + b"}", "too many digits")],
)
async def test_the_validator_answers_400_to_bodies_its_parser_cannot_read(body, detail):
    with pytest.raises(BadRequestProblem) as refused:
        await VALIDATOR._parse(stream(body), {})
    assert detail in refused.value.detail


def test_the_storable_check_does_not_recurse():
    deep: object = "ok"
    for _ in range(10_000):
        deep = [deep, {"k": "v"}]
    assert _storable(deep)
    assert not _storable([[[[{"key\x00": 1}]]]])
