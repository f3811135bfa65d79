"""``python -m mesh.docs``: the docs portal on DOCS_HOST:DOCS_PORT (127.0.0.1:8106), pages on /docs."""

import uvicorn

from mesh.docs.app import create_app
from mesh.docs.settings import DocsSettings

if __name__ == "__main__":
    settings = DocsSettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
