"""``python -m handlers.payment``: serve the payment service on its port (8104)."""

import uvicorn

from handlers.common.correlation import CorrelationIdMiddleware
from handlers.payment.app import create_app
from handlers.payment.settings import PaymentSettings

if __name__ == "__main__":
    settings = PaymentSettings()
    uvicorn.run(CorrelationIdMiddleware(create_app(settings)), host=settings.host, port=settings.port)
