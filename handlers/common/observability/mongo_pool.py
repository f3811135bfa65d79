"""MongoDB connection pools in the pool gauges: pymongo's pool events, registered once per process
before any client exists (``observability.setup``), move ``cinemesh_db_pool_connections{store="mongodb"}``
(open connections) and ``..._in_use`` (checked out)."""

from pymongo import monitoring

from handlers.common.observability.metrics import DB_POOL_IN_USE, DB_POOL_SIZE

STORE = "mongodb"


class PoolGauges(monitoring.ConnectionPoolListener):
    def pool_created(self, event: monitoring.PoolCreatedEvent) -> None:
        DB_POOL_SIZE.labels(STORE)
        DB_POOL_IN_USE.labels(STORE)

    def pool_ready(self, event: monitoring.PoolReadyEvent) -> None:
        pass

    def pool_cleared(self, event: monitoring.PoolClearedEvent) -> None:
        pass

    def pool_closed(self, event: monitoring.PoolClosedEvent) -> None:
        pass

    def connection_created(self, event: monitoring.ConnectionCreatedEvent) -> None:
        DB_POOL_SIZE.labels(STORE).inc()

    def connection_ready(self, event: monitoring.ConnectionReadyEvent) -> None:
        pass

    def connection_closed(self, event: monitoring.ConnectionClosedEvent) -> None:
        DB_POOL_SIZE.labels(STORE).dec()

    def connection_check_out_started(self, event: monitoring.ConnectionCheckOutStartedEvent) -> None:
        pass

    def connection_check_out_failed(self, event: monitoring.ConnectionCheckOutFailedEvent) -> None:
        pass

    def connection_checked_out(self, event: monitoring.ConnectionCheckedOutEvent) -> None:
        DB_POOL_IN_USE.labels(STORE).inc()

    def connection_checked_in(self, event: monitoring.ConnectionCheckedInEvent) -> None:
        DB_POOL_IN_USE.labels(STORE).dec()


_registered: list[PoolGauges] = []


def watch_pools() -> None:
    """Register the listener (once) for every MongoDB client created from now on."""
    if not _registered:
        _registered.append(PoolGauges())
        monitoring.register(_registered[0])
