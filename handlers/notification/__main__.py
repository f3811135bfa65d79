"""``python -m handlers.notification``: run the worker with its health endpoint (port 8105)."""

import uvicorn

from handlers.common import observability
from handlers.notification.app import create_app
from handlers.notification.settings import NotificationSettings

if __name__ == "__main__":
    observability.setup("notification")
    settings = NotificationSettings()
    uvicorn.run(observability.observed(create_app(settings)), host=settings.host, port=settings.port)
