"""Events fixtures: RabbitMQ vhost ``events_test`` and MongoDB ``events_test``, both of the tests' own."""

import subprocess
from collections.abc import AsyncIterator

import aio_pika
import pytest
from beanie import Document

from handlers.common.mongo import connect_beanie
from handlers.common.outbox import OutboxMixin
from handlers.common.outbox_queue import QUEUE
from handlers.common.settings import ServiceSettings

VHOST = "events_test"


class Order(OutboxMixin, Document):
    """A stand-in for any service document that emits events."""

    name: str

    class Settings:
        name = "orders"


@pytest.fixture(scope="session")
def amqp_url() -> str:
    subprocess.run(["rabbitmqctl", "delete_vhost", VHOST], capture_output=True, check=False)
    subprocess.run(["rabbitmqctl", "add_vhost", VHOST], capture_output=True, check=True)
    permissions = ["rabbitmqctl", "set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*"]
    subprocess.run(permissions, capture_output=True, check=True)
    return f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"


@pytest.fixture(scope="session")
async def mongo():
    client = await connect_beanie(ServiceSettings(), "events_test", [Order])
    yield client
    await client.drop_database("events_test")


@pytest.fixture
async def orders(mongo) -> type[Order]:
    await Order.get_pymongo_collection().delete_many({})
    await Order.get_pymongo_collection().database[QUEUE].delete_many({})
    return Order


TAP = "events_test.tap"


async def open_tap(amqp_url: str) -> tuple[aio_pika.abc.AbstractConnection, aio_pika.abc.AbstractQueue]:
    """A durable queue bound to every event on ``cinemesh.events`` (it survives a broker restart)."""
    connection = await aio_pika.connect_robust(amqp_url)
    channel = await connection.channel()
    exchange = await channel.declare_exchange("cinemesh.events", aio_pika.ExchangeType.TOPIC, durable=True)
    queue = await channel.declare_queue(TAP, durable=True)
    await queue.bind(exchange, routing_key="#")
    return connection, queue


@pytest.fixture
async def tap(amqp_url) -> AsyncIterator[aio_pika.abc.AbstractQueue]:
    connection, queue = await open_tap(amqp_url)
    await queue.purge()
    yield queue
    await connection.close()


@pytest.fixture
def reopen_tap(amqp_url):
    """Opens the durable tap again on a new connection (e.g. after a broker restart)."""
    return lambda: open_tap(amqp_url)
