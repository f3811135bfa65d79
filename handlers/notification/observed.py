"""What the notification worker reports to its operator: readiness of RabbitMQ and Redis (MongoDB is
registered by ``connect_beanie``) and the depth of each of its queues (consumer lag), read per scrape.
Consumed and dead-lettered events are counted by ``ConsumeObserved`` (``build_broker``)."""

from faststream.rabbit import RabbitBroker
from redis.asyncio import Redis

from handlers.common.events import DEAD_LETTER_QUEUE, NOTIFICATION_QUEUES
from handlers.common.observability import metrics, readiness
from handlers.common.observability.metrics import QUEUE_DEPTH


def observe_worker(broker: RabbitBroker, redis: Redis) -> None:
    async def broker_answers() -> bool:
        return await broker.ping(timeout=1.0)

    async def redis_answers() -> bool:
        return bool(await redis.ping())

    async def queue_depths() -> None:
        for queue in (*NOTIFICATION_QUEUES.values(), DEAD_LETTER_QUEUE):
            declared = await broker.declare_queue(queue)
            QUEUE_DEPTH.labels(queue.name).set(declared.declaration_result.message_count or 0)

    readiness.register("broker", broker_answers)
    readiness.register("redis", redis_answers)
    metrics.on_scrape("queues", queue_depths)
