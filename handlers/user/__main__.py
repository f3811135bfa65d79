"""``python -m handlers.user``: serve the user service on its port (8101)."""

import uvicorn

from handlers.user.app import create_app
from handlers.user.settings import UserSettings

if __name__ == "__main__":
    settings = UserSettings()
    uvicorn.run(create_app(settings), host="127.0.0.1", port=settings.port)
