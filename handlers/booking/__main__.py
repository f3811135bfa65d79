"""``python -m handlers.booking``: serve the booking GraphQL API (port 8103)."""

import uvicorn

from handlers.booking.app import create_app
from handlers.booking.settings import BookingSettings
from handlers.common import observability
from handlers.common.correlation import CorrelationIdMiddleware

if __name__ == "__main__":
    observability.setup("booking")
    settings = BookingSettings()
    app = observability.observed(CorrelationIdMiddleware(create_app(settings)))
    uvicorn.run(app, host=settings.host, port=settings.port)
