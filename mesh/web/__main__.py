"""``python -m mesh.web``: the box office on WEB_HOST:WEB_PORT (127.0.0.1:8107), the app on ``/``."""

import uvicorn

from mesh.web.app import create_app
from mesh.web.settings import WebSettings

if __name__ == "__main__":
    settings = WebSettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
