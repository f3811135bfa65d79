"""Each signer speaks only for itself: the key's owner decides what a token may claim.

A service's key cannot mint user or admin tokens, the user service's key cannot speak for a
service, a service cannot pose as another, and a rotated key is found without a restart.
"""

import time

import jwt
import pytest

from handlers.common.auth import AuthError, KeyRing, NotAllowed, ServiceCaller, TokenVerifier
from handlers.common.keys import ensure_dev_keys, load_all_public_keys, load_signing_key, write_key_pair
from handlers.common.settings import ServiceSettings
from handlers.common.signing import sign_service_token, sign_token

pytestmark = pytest.mark.unit
ISSUER = "cinemesh-user-service"


@pytest.fixture
def keys_dir(tmp_path):
    ensure_dev_keys(tmp_path, owners=("user", "booking", "bench"))
    return tmp_path


@pytest.fixture
def verifier(keys_dir) -> TokenVerifier:
    return TokenVerifier(KeyRing.from_dir(keys_dir), ISSUER)


def signed_by(keys_dir, owner: str, **claims) -> str:
    kid, key = load_signing_key(keys_dir, owner)
    now = int(time.time())
    return jwt.encode({"iat": now, "exp": now + 300, **claims}, key, algorithm="RS256", headers={"kid": kid})


def test_a_service_key_cannot_mint_a_user_or_admin_token(keys_dir, verifier):
    forged = signed_by(keys_dir, "booking", iss=ISSUER, sub="usr_victim", role="admin")
    with pytest.raises(AuthError, match="not a user token"):
        verifier.verify(forged)


def test_the_user_key_cannot_speak_for_a_service(keys_dir, verifier):
    forged = signed_by(keys_dir, "user", iss="service:booking", sub="service:booking", aud="cinema")
    with pytest.raises(AuthError, match="signed by its own service"):
        verifier.verify_service(forged, "cinema")


def test_a_service_cannot_pose_as_another(keys_dir, verifier):
    forged = signed_by(keys_dir, "bench", iss="service:booking", sub="service:booking", aud="cinema")
    with pytest.raises(AuthError, match="signed by its own service"):
        verifier.verify_service(forged, "cinema")


def test_only_allowed_services_are_authorized(keys_dir, verifier):
    settings = ServiceSettings(jwt_keys_dir=keys_dir)
    booking = sign_service_token(settings, "booking", "cinema", 60)
    bench = sign_service_token(settings, "bench", "cinema", 60)
    user = sign_token(settings, "usr_1", "admin", 60)
    allowed = frozenset({"booking"})
    assert verifier.authorize_service(booking, "cinema", allowed) == ServiceCaller("booking")
    with pytest.raises(NotAllowed, match="service:bench may not"):
        verifier.authorize_service(bench, "cinema", allowed)
    with pytest.raises(NotAllowed, match="reserved to service:booking"):
        verifier.authorize_service(user, "cinema", allowed)
    with pytest.raises(AuthError) as garbage:
        verifier.authorize_service("garbage", "cinema", allowed)
    assert not isinstance(garbage.value, NotAllowed)


def test_a_rotated_key_is_found_without_a_restart(keys_dir):
    verifier = TokenVerifier(KeyRing(lambda: load_all_public_keys(keys_dir), min_reload_seconds=0), ISSUER)
    write_key_pair(keys_dir, "user")  # the user service rotated: new private key, new public key
    token = sign_token(ServiceSettings(jwt_keys_dir=keys_dir), "usr_1", "user", 60)
    assert verifier.verify(token).user_id == "usr_1"


def test_unknown_kids_reload_the_keys_at_most_once_a_second(keys_dir):
    loads = []

    def load():
        loads.append(1)
        return load_all_public_keys(keys_dir)

    verifier = TokenVerifier(KeyRing(load, min_reload_seconds=60), ISSUER)
    stranger = signed_by(keys_dir, "user", iss=ISSUER, sub="u", role="user").split(".")
    header = jwt.utils.base64url_encode(b'{"alg":"RS256","kid":"nobody"}').decode()
    for _ in range(50):
        with pytest.raises(AuthError, match="unknown signing key"):
            verifier.verify(".".join([header, *stranger[1:]]))
    assert len(loads) == 1  # the initial load only: a flood of unknown kids never reaches the disk
