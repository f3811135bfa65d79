"""``python -m handlers.notification``: run the worker with its health endpoint (port 8105)."""

import uvicorn

from handlers.notification.app import create_app
from handlers.notification.settings import NotificationSettings

if __name__ == "__main__":
    settings = NotificationSettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
