"""``python -m handlers.payment``: serve the payment service on its port (8104)."""

import uvicorn

from handlers.common import observability
from handlers.common.correlation import CorrelationIdMiddleware
from handlers.payment.app import create_app
from handlers.payment.settings import PaymentSettings

if __name__ == "__main__":
    observability.setup("payment")
    settings = PaymentSettings()
    app = observability.observed(CorrelationIdMiddleware(create_app(settings)))
    uvicorn.run(app, host=settings.host, port=settings.port)
