"""Request-body limits, checked before anything parses the body.

Parsers fail badly on hostile JSON: a body nested a few hundred levels deep ends in a
``RecursionError`` in code that walks it (past about a thousand levels, in the decoder itself),
an integer of more than 4,300 digits makes ``json.loads`` raise ``ValueError`` (Python's
int-from-str limit), and nothing stopped a 20 MB body from being read and parsed. ``RequestLimits``
reads the body (never more than ``max_body_bytes``), scans a JSON body without recursion and only
then replays it to the app:

- 413 Content Too Large: a declared ``Content-Length`` or the bytes received exceed ``max_body_bytes``;
- 400 Bad Request: JSON arrays/objects nested deeper than ``max_json_depth``, or a number with more
  than ``max_number_digits`` digits in a row (an int64 has 19).

A body is scanned as JSON when its media type mentions ``json`` or is missing (connexion then
assumes the operation's ``application/json``). Refusals are problem+json (RFC 9457) whose detail
names the limit, never the body; the GraphQL service passes its own ``reply``. The limits come
from the service's settings (``ServiceSettings.max_body_bytes`` ...)::

    app.add_middleware(RequestLimits, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       limits=BodyLimits.from_settings(settings))
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from handlers.common.problems import PROBLEM_BASE
from handlers.common.settings import ServiceSettings

# A JSON string, its closing quote optional so that the match never fails and never backtracks.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_NESTING = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


@dataclass(frozen=True)
class BodyLimits:
    max_body_bytes: int = 64 * 1024
    max_json_depth: int = 32
    max_number_digits: int = 20

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> "BodyLimits":
        return cls(settings.max_body_bytes, settings.max_json_depth, settings.max_number_digits)


@dataclass(frozen=True)
class Refusal:
    status: int
    slug: str
    title: str
    detail: str


Reply = Callable[[Refusal], tuple[str, bytes]]
"""A refusal as (content type, body)."""


def too_large(limits: BodyLimits) -> Refusal:
    detail = f"The request body is larger than {limits.max_body_bytes} bytes."
    return Refusal(413, "content-too-large", "Content Too Large", detail)


def json_refusal(body: bytes, limits: BodyLimits) -> Refusal | None:
    """Why ``body`` must not reach a JSON parser, or None. Linear time, no recursion."""
    bare = _STRING.sub(b'""', body)
    if re.search(rb"[0-9]{%d}" % (limits.max_number_digits + 1), bare):
        detail = f"A number in the request body has more than {limits.max_number_digits} digits."
        return Refusal(400, "number-too-long", "Bad Request", detail)
    brackets = bare.translate(None, _NOT_BRACKETS)
    if max(accumulate(map(_NESTING.__getitem__, brackets)), default=0) > limits.max_json_depth:
        detail = f"The request body is nested deeper than {limits.max_json_depth} levels."
        return Refusal(400, "body-too-deep", "Bad Request", detail)
    return None


def problem_reply(refusal: Refusal) -> tuple[str, bytes]:
    problem = {
        "type": PROBLEM_BASE + refusal.slug,
        "title": refusal.title,
        "status": refusal.status,
        "detail": refusal.detail,
    }
    return "application/problem+json", json.dumps(problem).encode()


class RequestLimits:
    def __init__(self, app: ASGIApp, limits: BodyLimits = BodyLimits(), reply: Reply = problem_reply):
        self.app, self.limits, self.reply = app, limits, reply

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limits.max_body_bytes:
            await self._refuse(too_large(self.limits), send)
            return
        try:
            body = await _read(receive, self.limits.max_body_bytes)
        except _ClientLeft:
            return
        if body is None:
            await self._refuse(too_large(self.limits), send)
            return
        media_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        refusal = json_refusal(body, self.limits) if not media_type or b"json" in media_type else None
        if refusal is not None:
            await self._refuse(refusal, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _refuse(self, refusal: Refusal, send: Send) -> None:
        content_type, body = self.reply(refusal)
        headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
        if refusal.status == 413:  # the rest of the body was not read
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _ClientLeft(Exception):
    pass


async def _read(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it grows past ``limit`` bytes."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise _ClientLeft
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> Message:
        return pending.pop() if pending else await receive()

    return replayed
