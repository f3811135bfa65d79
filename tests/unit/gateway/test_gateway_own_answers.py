"""The gateway's own answers (no route, refused path, a failing plugin) carry the global plugins' headers."""

import logging

import pytest
import yaml
from starlette.testclient import TestClient

from mesh.gateway.app import create_app
from mesh.gateway.plugins.basic import RequestTerminationPlugin
from mesh.gateway.settings import GatewaySettings

pytestmark = pytest.mark.unit
DOC = {
    "_format_version": "3.0",
    "routes": [
        {
            "name": "ok",
            "paths": ["/ok"],
            "plugins": [{"name": "request-termination", "config": {"status_code": 200, "message": "fine"}}],
        }
    ],
    "plugins": [{"name": "response-transformer", "config": {"add": {"headers": ["X-Frame-Options:DENY"]}}}],
}


@pytest.fixture
def client(tmp_path):
    path = tmp_path / "kong.yml"
    path.write_text(yaml.safe_dump(DOC))
    with TestClient(create_app(GatewaySettings(kong_config=path, jwt_keys_dir=tmp_path))) as test_client:
        yield test_client


def test_no_route_and_refused_path_get_the_global_headers(client):
    for path, status, body in [
        ("/nowhere", 404, "no Route matched with those values"),
        ("/ok%zz", 400, "Bad request"),
    ]:
        response = client.get(path)
        assert (response.status_code, response.json()) == (status, {"message": body})
        assert response.headers["x-frame-options"] == "DENY"


def test_a_failing_plugin_is_kongs_500_and_its_message_is_not_logged(client, monkeypatch, caplog):
    async def broken(self, exchange):
        raise RuntimeError(f"cannot handle {exchange.request.headers['authorization']}")

    monkeypatch.setattr(RequestTerminationPlugin, "access", broken)
    caplog.set_level(logging.INFO)
    response = client.get("/ok", headers={"Authorization": "Bearer secret-token-123"})
    assert (response.status_code, response.json()) == (500, {"message": "An unexpected error occurred"})
    assert response.headers["x-frame-options"] == "DENY"
    assert "unexpected RuntimeError" in caplog.text
    assert "secret-token-123" not in caplog.text
