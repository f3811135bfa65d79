"""A service's own token: verifiable, least privilege, minted once and renewed before it expires."""

import pytest

from handlers.common import service_token
from handlers.common.auth import TokenVerifier
from handlers.common.keys import ensure_dev_keys
from handlers.common.service_token import ServiceToken
from handlers.common.settings import ServiceSettings
from handlers.common.signing import MissingSigningKey

pytestmark = pytest.mark.unit


@pytest.fixture
def settings(tmp_path) -> ServiceSettings:
    ensure_dev_keys(tmp_path)
    return ServiceSettings(jwt_keys_dir=tmp_path)


def test_the_token_verifies_as_the_service_without_admin_rights(settings):
    principal = TokenVerifier.from_settings(settings).verify(ServiceToken(settings, "service:booking")())
    assert (principal.user_id, principal.role) == ("service:booking", "user")


def test_it_is_minted_once_and_renewed_a_minute_before_expiry(settings, monkeypatch):
    clock = [1_000_000]
    monkeypatch.setattr(service_token.time, "time", lambda: clock[0])
    token = ServiceToken(settings, "service:booking", ttl_seconds=900)
    first = token()
    clock[0] += 900 - 61
    assert token() == first
    clock[0] += 1
    assert token() != first


def test_without_a_signing_key_it_says_where_it_looked(tmp_path):
    with pytest.raises(MissingSigningKey, match=str(tmp_path)):
        ServiceToken(ServiceSettings(jwt_keys_dir=tmp_path), "service:booking")()
