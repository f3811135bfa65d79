"""Kong's rate-limiting headers and 429 with the in-memory ``local`` policy (no Redis needed)."""

import pytest
import yaml
from starlette.testclient import TestClient

from mesh.gateway.app import create_app
from mesh.gateway.settings import GatewaySettings

pytestmark = pytest.mark.unit


def client_for(tmp_path, limiter: dict) -> TestClient:
    doc = {
        "_format_version": "3.0",
        "routes": [
            {
                "name": "limited",
                "paths": ["/limited"],
                "plugins": [
                    {
                        "name": "request-termination",
                        "config": {"status_code": 200, "body": "ok", "content_type": "text/plain"},
                    },
                    {"name": "rate-limiting", "config": {"policy": "local", "limit_by": "ip", **limiter}},
                ],
            }
        ],
    }
    path = tmp_path / "kong.yml"
    path.write_text(yaml.safe_dump(doc))
    return TestClient(create_app(GatewaySettings(kong_config=path, jwt_keys_dir=tmp_path)))


def test_headers_count_down_then_429_with_retry_after(tmp_path):
    with client_for(tmp_path, {"second": 100, "minute": 3}) as client:
        remaining = []
        for _ in range(3):
            response = client.get("/limited")
            assert response.status_code == 200
            assert response.headers["x-ratelimit-limit-second"] == "100"
            remaining.append(response.headers["ratelimit-remaining"])
        assert remaining == ["2", "1", "0"]
        assert response.headers["ratelimit-limit"] == "3"
        limited = client.get("/limited")
    assert limited.status_code == 429
    assert limited.json() == {"message": "API rate limit exceeded"}
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert int(limited.headers["ratelimit-reset"]) == int(limited.headers["retry-after"])


def test_custom_error_and_hidden_headers(tmp_path):
    limiter = {"minute": 1, "hide_client_headers": True, "error_code": 503, "error_message": "slow down"}
    with client_for(tmp_path, limiter) as client:
        first = client.get("/limited")
        second = client.get("/limited")
    assert "ratelimit-limit" not in first.headers
    assert second.status_code == 503
    assert second.json() == {"message": "slow down"}
