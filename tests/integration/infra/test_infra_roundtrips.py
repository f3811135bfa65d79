"""Each real piece of infrastructure answers: PostgreSQL, MongoDB wire (FerretDB), Redis, RabbitMQ."""

import asyncio
import uuid

import asyncpg
import pytest
import redis.asyncio as redis
from beanie import Document, Indexed
from faststream.rabbit import ExchangeType, RabbitBroker, RabbitExchange, RabbitQueue
from pymongo.errors import DuplicateKeyError

from handlers.common.mongo import connect_beanie
from handlers.common.settings import ServiceSettings

pytestmark = pytest.mark.integration

settings = ServiceSettings()


async def test_postgres_round_trip():
    dsn = settings.postgres_url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("CREATE TEMP TABLE probe (id int PRIMARY KEY, name text)")
        await connection.execute("INSERT INTO probe VALUES ($1, $2)", 1, "seat")
        assert await connection.fetchval("SELECT name FROM probe WHERE id = $1", 1) == "seat"
        with pytest.raises(asyncpg.UniqueViolationError):
            await connection.execute("INSERT INTO probe VALUES ($1, $2)", 1, "again")
    finally:
        await connection.close()


class ProbeTicket(Document):
    code: Indexed(str, unique=True)
    seats: list[str] = []

    class Settings:
        name = "probe_tickets"


async def test_mongo_wire_round_trip_with_unique_index_and_beanie():
    client = await connect_beanie(settings, "infra_test", [ProbeTicket])
    try:
        await ProbeTicket.delete_all()
        await ProbeTicket(code="T-1", seats=["A-1", "A-2"]).insert()
        found = await ProbeTicket.find_one(ProbeTicket.code == "T-1")
        assert found is not None and found.seats == ["A-1", "A-2"]
        with pytest.raises(DuplicateKeyError):
            await ProbeTicket(code="T-1").insert()

        raw = client["infra_test"]["raw_probe"]
        await raw.delete_many({})
        await raw.insert_one({"_id": "x", "n": 1})
        assert (await raw.find_one({"_id": "x"}))["n"] == 1
    finally:
        await client.close()


async def test_redis_set_nx_claims_once():
    client = redis.from_url(settings.redis_url)
    key = f"test:infra:{uuid.uuid4()}"
    try:
        assert await client.set(key, "1", nx=True, ex=30) is True
        assert await client.set(key, "2", nx=True, ex=30) is None
        assert await client.get(key) == b"1"
    finally:
        await client.delete(key)
        await client.aclose()


async def test_rabbitmq_topic_exchange_routes_by_key():
    broker = RabbitBroker(settings.amqp_url)
    exchange = RabbitExchange(f"test.infra.{uuid.uuid4().hex}", type=ExchangeType.TOPIC, auto_delete=True)
    queue = RabbitQueue(f"test.infra.{uuid.uuid4().hex}", routing_key="booking.*", auto_delete=True)
    received: list[dict] = []
    done = asyncio.Event()

    @broker.subscriber(queue, exchange)
    async def on_booking(body: dict) -> None:
        received.append(body)
        done.set()

    async with broker:
        await broker.start()
        await broker.publish({"kind": "ignored"}, exchange=exchange, routing_key="payment.succeeded")
        await broker.publish({"kind": "wanted"}, exchange=exchange, routing_key="booking.confirmed")
        await asyncio.wait_for(done.wait(), timeout=10)
        await asyncio.sleep(0.3)
    assert received == [{"kind": "wanted"}]


class ProbeSeatHold(Document):
    hold_id: Indexed(str, unique=True)
    showtime_id: Indexed(str)
    seat: str

    class Settings:
        name = "probe_seat_holds"
        indexes = [[("showtime_id", 1), ("seat", 1)]]


async def test_reconnecting_keeps_several_indexes_without_recreating_them():
    for _ in range(3):
        client = await connect_beanie(settings, "infra_test", [ProbeSeatHold])
        await client.close()
    client = await connect_beanie(settings, "infra_test", [ProbeSeatHold])
    try:
        names = set(await ProbeSeatHold.get_pymongo_collection().index_information())
        assert {"hold_id_1", "showtime_id_1", "showtime_id_1_seat_1"} <= names
        await ProbeSeatHold.delete_all()
        await ProbeSeatHold(hold_id="h-1", showtime_id="s", seat="A-1").insert()
        with pytest.raises(DuplicateKeyError):
            await ProbeSeatHold(hold_id="h-1", showtime_id="s", seat="A-2").insert()
    finally:
        await client.close()
