"""``python -m handlers.user``: serve the user service on its port (8101)."""

import uvicorn

from handlers.common import observability
from handlers.common.correlation import CorrelationIdMiddleware
from handlers.user.app import create_app
from handlers.user.settings import UserSettings

if __name__ == "__main__":
    observability.setup("user")
    settings = UserSettings()
    app = observability.observed(CorrelationIdMiddleware(create_app(settings)))
    uvicorn.run(app, host=settings.host, port=settings.port)
