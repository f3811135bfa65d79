"""The notification worker served in-process (uvicorn, ephemeral port) on its own RabbitMQ vhost
``notification_test``, MongoDB ``notifications_test`` and Redis db 15."""

import asyncio
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator

import aio_pika
import pytest
import uvicorn
from pymongo import AsyncMongoClient

from handlers.notification.app import create_app
from handlers.notification.settings import NotificationSettings

VHOST = "notification_test"


@pytest.fixture(scope="session")
def amqp_url() -> str:
    subprocess.run(["rabbitmqctl", "delete_vhost", VHOST], capture_output=True, check=False)
    subprocess.run(["rabbitmqctl", "add_vhost", VHOST], capture_output=True, check=True)
    permissions = ["rabbitmqctl", "set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*"]
    subprocess.run(permissions, capture_output=True, check=True)
    return f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"


@pytest.fixture(scope="session")
def settings(amqp_url, tmp_path_factory) -> NotificationSettings:
    return NotificationSettings(
        mongo_db="notifications_test",
        redis_url="redis://127.0.0.1:6379/15",
        amqp_url=amqp_url,
        outbox_dir=tmp_path_factory.mktemp("outbox"),
        dedupe_prefix=f"notification-test:{uuid.uuid4().hex}:",
        retry_backoff_seconds=0.05,
        environment="test",
    )


@pytest.fixture(scope="session")
async def worker_url(settings) -> AsyncIterator[str]:
    client = AsyncMongoClient(settings.mongo_url)
    await client.drop_database(settings.mongo_db)
    await client.close()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    await task
    sock.close()


@pytest.fixture
async def channel(amqp_url) -> AsyncIterator[aio_pika.abc.AbstractChannel]:
    connection = await aio_pika.connect_robust(amqp_url)
    yield await connection.channel()
    await connection.close()
