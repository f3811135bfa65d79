"""Request paths the gateway refuses with 400 before routing (Kong's nginx would, or should).

nginx answers 400 for a ``%`` not followed by two hex digits and for an escaped NUL (``%00``)
(``ngx_http_parse_complex_uri``); Kong's error handler then writes ``Bad request``. The local
gateway also refuses what Kong lets through to its router: a decoded path that is not UTF-8
(Kong's ATC router cannot take it and answers 404) and escaped control characters (Kong would
forward them). Raw control characters never get this far: the HTTP server refuses them.
"""

import re

ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def bad_path(raw_path: bytes) -> str | None:
    """Why ``raw_path`` (the path as sent, without the query) is refused, or None when it is fine."""
    if ESCAPE.search(raw_path):
        return "malformed percent-encoding"
    decoded = re.sub(rb"%([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw_path)
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 once decoded"
    if CONTROL.search(text):
        return "control character"
    return None
