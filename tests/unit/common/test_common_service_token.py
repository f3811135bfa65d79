"""A service's own token: its own key, addressed to one callee, minted once and renewed before expiry."""

import pytest

from handlers.common import service_token
from handlers.common.auth import AuthError, ServiceCaller, TokenVerifier
from handlers.common.keys import ensure_dev_keys
from handlers.common.service_token import ServiceToken
from handlers.common.settings import ServiceSettings
from handlers.common.signing import MissingSigningKey

pytestmark = pytest.mark.unit


@pytest.fixture
def settings(tmp_path) -> ServiceSettings:
    ensure_dev_keys(tmp_path)
    return ServiceSettings(jwt_keys_dir=tmp_path)


def test_the_token_verifies_as_the_service_for_its_callee_only(settings):
    verifier = TokenVerifier.from_settings(settings)
    token = ServiceToken(settings, "booking", audience="cinema")()
    assert verifier.verify_service(token, "cinema") == ServiceCaller("booking")
    with pytest.raises(AuthError, match="wrong audience"):
        verifier.verify_service(token, "payment")
    with pytest.raises(AuthError):
        verifier.verify(token)  # never a user token


def test_it_is_minted_once_and_renewed_a_minute_before_expiry(settings, monkeypatch):
    clock = [1_000_000]
    monkeypatch.setattr(service_token.time, "time", lambda: clock[0])
    token = ServiceToken(settings, "booking", audience="cinema", ttl_seconds=900)
    first = token()
    clock[0] += 900 - 61
    assert token() == first
    clock[0] += 1
    assert token() != first


def test_without_its_own_signing_key_it_says_where_it_looked(tmp_path):
    ensure_dev_keys(tmp_path, owners=("user",))  # the user service's key does not stand in
    with pytest.raises(MissingSigningKey, match="booking"):
        ServiceToken(ServiceSettings(jwt_keys_dir=tmp_path), "booking", audience="cinema")()
