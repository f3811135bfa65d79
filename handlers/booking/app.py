"""The booking service ASGI app: ariadne GraphQL on ``/graphql`` (GraphiQL in development), ``/health``.

The lifespan connects MongoDB, builds the cinema/payment clients (unless ``deps`` are
given, as tests do), resolves bookings left mid-way, then runs the recovery sweep and
the outbox relay in the background.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
from ariadne.asgi import GraphQL
from ariadne.explorer import ExplorerGraphiQL, ExplorerHttp405
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from handlers.booking.adapters.catalog import RestCatalog
from handlers.booking.adapters.inventory import GrpcSeatInventory
from handlers.booking.adapters.payments import ClientPayments
from handlers.booking.deps import SagaDeps
from handlers.booking.http_handler import DeadlineHTTPHandler
from handlers.booking.models import Booking
from handlers.booking.observed import labelled, traced_resolvers
from handlers.booking.query_limits import QueryLimits
from handlers.booking.recovery import recover_bookings
from handlers.booking.resolvers import build_schema
from handlers.booking.resolvers.errors import format_error, refusal_reply
from handlers.booking.settings import BookingSettings
from handlers.cinema.inventory_client import InventoryClient
from handlers.common import keepalive
from handlers.common.auth import TokenVerifier
from handlers.common.mongo import connect_beanie
from handlers.common.outbox_relay import OutboxOptions, running_outbox_relay
from handlers.common.request_limits import BodyLimits, RequestLimits
from handlers.common.service_token import ServiceToken
from handlers.payment.client import PaymentClient


@contextlib.asynccontextmanager
async def _real_deps(settings: BookingSettings) -> AsyncIterator[SagaDeps]:
    timeout = httpx.Timeout(settings.http_timeout_seconds)
    grpc_address = (settings.cinema_grpc_host, settings.cinema_grpc_port)
    async with (
        httpx.AsyncClient(base_url=settings.cinema_url, timeout=timeout, limits=keepalive.limits()) as cinema,
        PaymentClient(settings.payment_url, timeout=settings.http_timeout_seconds) as payment,
        InventoryClient(
            *grpc_address,
            timeout_seconds=settings.grpc_deadline_seconds,
            token=ServiceToken(settings, "booking", audience="cinema"),
        ) as grpc,
    ):
        yield SagaDeps(
            inventory=GrpcSeatInventory(grpc),
            payments=ClientPayments(payment, ServiceToken(settings, "booking", audience="payment")),
            catalog=RestCatalog(cinema),
            hold_ttl_seconds=settings.hold_ttl_seconds,
            lease_seconds=settings.recovery_grace_seconds,
        )


async def _sweep(deps: SagaDeps, interval: float, stale_after: timedelta) -> None:
    while True:
        await asyncio.sleep(interval)
        with contextlib.suppress(Exception):
            await recover_bookings(deps, stale_after)


def create_app(settings: BookingSettings | None = None, deps: SagaDeps | None = None) -> Starlette:
    settings = settings or BookingSettings()
    verifier = TokenVerifier.from_settings(settings)

    def context(request: Request, _data: object = None) -> dict:
        return {"request": request, "deps": request.app.state.deps, "verifier": verifier}

    limits = QueryLimits(settings)
    schema = build_schema()
    graphql = GraphQL(
        schema,
        context_value=context,
        query_parser=labelled(limits.parse, schema),
        validation_rules=limits.validation_rules,
        query_validator=limits.validate,
        explorer=ExplorerGraphiQL(title="CineMesh booking") if settings.graphiql else ExplorerHttp405(),
        error_formatter=format_error,
        http_handler=DeadlineHTTPHandler(settings.request_deadline_seconds, extensions=traced_resolvers()),
    )

    async def health(request: Request) -> JSONResponse:
        relay = getattr(request.app.state, "outbox_relay", None)
        if relay is not None and (failed := await relay.failed()):
            return JSONResponse({"status": "degraded", "outbox_failed": failed})
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await connect_beanie(settings, settings.mongo_db, [Booking])
        async with contextlib.AsyncExitStack() as stack:
            app.state.deps = deps or await stack.enter_async_context(_real_deps(settings))
            stale = timedelta(seconds=settings.recovery_grace_seconds)
            with contextlib.suppress(Exception):
                await recover_bookings(app.state.deps, stale)
            sweeper = asyncio.create_task(_sweep(app.state.deps, settings.sweep_interval_seconds, stale))
            stack.callback(sweeper.cancel)
            if settings.outbox_relay:
                app.state.outbox_relay = await stack.enter_async_context(
                    running_outbox_relay(settings.amqp_url, [Booking], OutboxOptions.of(settings))
                )
            yield

    routes = [Route("/health", health), Route("/graphql", graphql, methods=["GET", "POST"])]
    body_limits = Middleware(RequestLimits, limits=BodyLimits.from_settings(settings), reply=refusal_reply)
    return Starlette(routes=routes, lifespan=lifespan, middleware=[body_limits])
