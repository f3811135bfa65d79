"""Entity tags for JSON representations and If-None-Match (RFC 9110 sections 8.8.3 and 13.1.2)."""

import hashlib
import json

ANY = "*"


def weak_etag(body: object) -> str:
    """``W/"<32 hex>"``: the same JSON value always gets the same tag, any change another one."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f'W/"{hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()}"'


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def none_match(if_none_match: str | None, etag: str) -> bool:
    """True when the request's If-None-Match names ``etag`` (weak comparison) or is ``*``."""
    if not if_none_match:
        return False
    tags = [tag for tag in (part.strip() for part in if_none_match.split(",")) if tag]
    return ANY in tags or _opaque(etag) in {_opaque(tag) for tag in tags}
