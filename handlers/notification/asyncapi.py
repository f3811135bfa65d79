"""The runtime AsyncAPI 3.0 document of the event backbone, as FastStream derives it from the code.

It joins the two halves that run: the notification worker's subscribers and the outbox
relay's documented publishers (``handlers.common.events.register_publishers``).
``python -m handlers.notification.asyncapi OUT_DIR`` writes ``asyncapi.yaml``/``.json``
and browsable HTML (``index.html`` for this document, ``contract.html`` for
``contracts/asyncapi/events.yaml``); ``scripts/asyncapi_docs.sh`` (``make asyncapi-docs``) runs it.
"""

import json
import shutil
import sys
from pathlib import Path

import yaml

from handlers.common.settings import REPO_ROOT
from handlers.notification.app import create_app
from handlers.notification.settings import NotificationSettings

CONTRACT = REPO_ROOT / "contracts" / "asyncapi" / "events.yaml"
UI_DIR = REPO_ROOT / "node_modules" / "@asyncapi" / "react-component"
UI_FILES = {"asyncapi-ui.js": "browser/standalone/index.js", "asyncapi-ui.css": "styles/default.min.css"}
DOC_SERVER = "amqp://127.0.0.1:5672/"
CDN = "https://unpkg.com/@asyncapi/react-component@latest/"


def specification() -> dict:
    """The document the worker app serves, with a fixed server address (the same on every machine)."""
    app = create_app(NotificationSettings(amqp_url=DOC_SERVER))
    return app.schema.to_specification().to_jsonable()


def html(document: dict, title: str, script: str, style: str) -> str:
    props = json.dumps({"schema": document, "config": {"show": {"sidebar": True}}}).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title><link rel="stylesheet" href="{style}"></head>
<body>
<div id="asyncapi"></div>
<script src="{script}"></script>
<script>window.AsyncApiStandalone.render({props}, document.getElementById("asyncapi"));</script>
</body>
</html>
"""


def write_docs(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    runtime = specification()
    (out_dir / "asyncapi.json").write_text(json.dumps(runtime, indent=2, sort_keys=True) + "\n")
    (out_dir / "asyncapi.yaml").write_text(yaml.safe_dump(runtime, sort_keys=True))
    if UI_DIR.is_dir():  # offline-browsable: ship the renderer next to the pages
        for target, source in UI_FILES.items():
            shutil.copyfile(UI_DIR / source, out_dir / target)
        script, style = "asyncapi-ui.js", "asyncapi-ui.css"
    else:
        script, style = CDN + "browser/standalone/index.js", CDN + "styles/default.min.css"
    contract = yaml.safe_load(CONTRACT.read_text())
    (out_dir / "index.html").write_text(html(runtime, "CineMesh events (runtime)", script, style))
    (out_dir / "contract.html").write_text(html(contract, "CineMesh events (contract)", script, style))


if __name__ == "__main__":
    write_docs(Path(sys.argv[1] if len(sys.argv) > 1 else REPO_ROOT / "asyncapi"))
