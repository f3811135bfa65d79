"""The request path as Kong 3's router sees it and as Kong forwards it (``kong/tools/uri.lua``).

Kong's router (``kong/router/utils.lua`` ``strip_uri_args``) matches routes on
``normalize(path, merge_slashes=true)`` of the path as sent: percent-encoded triplets are decoded
unless they stand for a reserved character (``!*'();:@&=+$,/?%#[]``: ``%2F`` stays ``%2F``, in upper
case), dot segments are removed (``%2e`` being ``.``, ``/%2e%2e/`` is ``/../``) and ``//`` becomes
``/``. The upstream gets that normalised path (strip_path false, service path ``/``: the router's
``get_upstream_uri_v0``) through ``escape`` (``runloop/handler.lua``), which percent-encodes every byte
that may not stand in a URI as it is, and nothing else.

Both work on bytes, as Kong's Lua strings are: a decoded triplet is one byte.
"""

import re

RESERVED = frozenset(b"!*'();:@&=+$,/?%#[]")
TRIPLET = re.compile(rb"%([0-9A-Fa-f]{2})")
# Kong's ESCAPE_PATTERN: "[^!#$&'()*+,/:;=?@[\]A-Z\d\-_.~%]", case-insensitive.
UNSAFE = re.compile(rb"[^!#$&'()*+,/:;=?@\[\]A-Za-z0-9\-_.~%]")


def _decode(triplet: re.Match[bytes]) -> bytes:
    value = int(triplet.group(1), 16)
    return triplet.group(0).upper() if value in RESERVED else bytes([value])


def _remove_dot_segments(path: bytes, merge_slashes: bool) -> bytes:
    """Kong's loop, case for case (RFC 3986 section 5.2.4, plus ``//`` -> ``/``)."""
    output: list[bytes] = []
    while path:
        if path == b"/.":
            path = b"/"
        elif path == b"/..":
            path = b"/"
            output = output[:-1]
        elif path in (b".", b".."):
            path = b""
        elif path.startswith(b"../"):
            path = path[3:]
        elif path.startswith(b"./"):
            path = path[2:]
        elif path.startswith(b"/./"):
            path = path[2:]
        elif path.startswith(b"/../"):
            path = path[3:]
            output = output[:-1]
        elif merge_slashes and path.startswith(b"//"):
            path = path[1:]
        else:
            end = path.find(b"/", 1)
            end = len(path) if end == -1 else end
            output.append(path[:end])
            path = path[end:]
    return b"".join(output)


def normalize(path: bytes, merge_slashes: bool = True) -> bytes:
    """``path`` (without the query) as Kong's router matches it."""
    if path in (b"", b"/"):
        return path
    if b"%" in path:
        path = TRIPLET.sub(_decode, path)
    if b"." not in path and not (merge_slashes and b"//" in path):
        return path
    return _remove_dot_segments(path, merge_slashes)


def escape(path: bytes) -> str:
    """``path`` made safe for the upstream's request line: the bytes Kong escapes become ``%XX``."""
    return UNSAFE.sub(lambda unsafe: b"%%%02X" % unsafe.group(0)[0], path).decode("ascii")
