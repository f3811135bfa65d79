"""What every cinema REST operation needs: the engine, a session and validated bodies."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from connexion import request
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.cinema.catalog_rules import require_storable
from handlers.cinema.errors import BadRequest

ENGINE_KEY = "cinema_engine"


def engine() -> AsyncEngine:
    return request.scope["state"][ENGINE_KEY]


@asynccontextmanager
async def session() -> AsyncIterator[AsyncSession]:
    async with AsyncSession(engine(), expire_on_commit=False) as opened:
        yield opened


def fields_of(model: type[BaseModel], body: Any) -> dict:
    """The fields the client sent, as sent, once the generated model of the contract accepts them."""
    require_storable(body)
    try:
        parsed = model.model_validate(body)
    except ValidationError as exc:
        raise BadRequest(f"Invalid body: {exc.errors()[0]['msg']}") from exc
    return {name: body[name] for name in parsed.model_fields_set}


JsonResponse = tuple[dict, int, dict[str, str]]


def json_response(body: dict, status: int = 200) -> JsonResponse:
    """A JSON answer (the operations also declare problem+json, so the type must be explicit)."""
    return body, status, {"Content-Type": "application/json"}
