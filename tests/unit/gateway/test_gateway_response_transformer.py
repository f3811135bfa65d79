"""Kong's response-transformer ``add.headers``: set when absent, never override, Kong's entry split."""

import pytest
from starlette.datastructures import MutableHeaders

from mesh.gateway.kong_plugins import RESPONSE_TRANSFORMER
from mesh.gateway.plugins.response_transformer import ResponseTransformerPlugin, header_entry

pytestmark = pytest.mark.unit


def test_entries_split_at_the_first_colon_run():
    assert header_entry("X-Frame-Options:DENY") == ("X-Frame-Options", "DENY")
    assert header_entry("Link::<https://a.b/c>; rel=x") == ("Link", "<https://a.b/c>; rel=x")
    assert header_entry("Referrer-Policy: no-referrer") == ("Referrer-Policy", "no-referrer")


def test_add_sets_missing_headers_and_keeps_the_upstreams():
    config = RESPONSE_TRANSFORMER.with_defaults(
        {"add": {"headers": ["X-Frame-Options:DENY", "X-A:1", "X-Empty:"]}}
    )
    headers = MutableHeaders(raw=[(b"x-frame-options", b"SAMEORIGIN")])
    ResponseTransformerPlugin(config).header_filter(None, headers)
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["x-a"] == "1"
    assert "x-empty" not in headers, "Kong sets nothing for an empty value"


def test_kong_defaults_every_list_to_empty():
    config = RESPONSE_TRANSFORMER.with_defaults({})
    assert config["add"] == {"json": [], "json_types": [], "headers": []}
    assert config["rename"] == {"json": [], "headers": []}
