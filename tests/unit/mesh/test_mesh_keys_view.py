"""The supervisor gives each process everyone's public keys and only its own private key."""

import pytest

from handlers.common.keys import ensure_dev_keys, load_public_keys, load_signing_key
from handlers.common.signing import MissingSigningKey, signing_key
from mesh import supervisor
from mesh.processes import by_name

pytestmark = pytest.mark.unit


@pytest.fixture
def keys_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CINEMESH_STATE_DIR", str(tmp_path / "state"))
    ensure_dev_keys(tmp_path / "keys")
    return tmp_path / "keys"


@pytest.mark.parametrize("name", ["user", "booking"])
def test_a_signer_sees_its_own_private_key_and_no_other(keys_dir, name):
    view = supervisor.keys_view(by_name(name), keys_dir)
    assert load_signing_key(view, name)[0] == load_signing_key(keys_dir, name)[0]  # same kid
    other = "booking" if name == "user" else "user"
    with pytest.raises(MissingSigningKey):
        signing_key(view, other)
    assert load_public_keys(view, other) == load_public_keys(keys_dir, other)


@pytest.mark.parametrize("name", ["cinema", "payment", "notification", "gateway"])
def test_a_verifier_sees_public_keys_only(keys_dir, name):
    view = supervisor.keys_view(by_name(name), keys_dir)
    assert not (view / "private").exists()
    assert load_public_keys(view, "user") and load_public_keys(view, "booking")
