"""RS256 key material: one key pair per signer, public keys by ``kid`` and owner, JWKS.

A keys directory (``CINEMESH_JWT_KEYS_DIR``) is laid out by owner, so that each process can be
given only its own private key and everyone's public keys::

    public/<owner>/<kid>.public.pem    every key a token of <owner> may still be signed with
    private/<owner>/signing.pem        <owner>'s private key (mounted only into <owner>'s process)

Owners are the signers: ``user`` (the user service, issuer of user and admin tokens) and each
calling service (``booking``). Keys rotate by adding a new pair and later removing the old public
key. The ``kid`` is the RFC 7638 thumbprint of the public key.
"""

import base64
import hashlib
import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

USER_KEYS = "user"
SIGNERS = (USER_KEYS, "booking")
SIGNING_KEY_FILE = "signing.pem"
PUBLIC_KEY_SUFFIX = ".public.pem"


def kid_of(public_key: rsa.RSAPublicKey) -> str:
    jwk = json.loads(RSAAlgorithm.to_jwk(public_key))
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def private_key_path(keys_dir: Path, owner: str) -> Path:
    return keys_dir / "private" / owner / SIGNING_KEY_FILE


def public_keys_dir(keys_dir: Path, owner: str) -> Path:
    return keys_dir / "public" / owner


def write_key_pair(keys_dir: Path, owner: str) -> str:
    """A new key pair for ``owner`` (its private key replaced, its public key added); returns the kid."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_path = private_key_path(keys_dir, owner)
    private_path.parent.mkdir(parents=True, exist_ok=True)
    private_path.write_bytes(
        private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    private_path.chmod(0o600)
    public_key = private_key.public_key()
    kid = kid_of(public_key)
    public_dir = public_keys_dir(keys_dir, owner)
    public_dir.mkdir(parents=True, exist_ok=True)
    (public_dir / f"{kid}{PUBLIC_KEY_SUFFIX}").write_bytes(
        public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return kid


def ensure_dev_keys(keys_dir: Path, owners: tuple[str, ...] = SIGNERS) -> None:
    """Create a development key pair for every owner in ``keys_dir`` that has no private key yet."""
    for owner in owners:
        if not private_key_path(keys_dir, owner).exists():
            write_key_pair(keys_dir, owner)


def load_signing_key(keys_dir: Path, owner: str = USER_KEYS) -> tuple[str, rsa.RSAPrivateKey]:
    """``owner``'s private key to sign with and its ``kid``."""
    path = private_key_path(keys_dir, owner)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path} is not an RSA private key")
    return kid_of(key.public_key()), key


def load_public_keys(keys_dir: Path, owner: str = USER_KEYS) -> dict[str, rsa.RSAPublicKey]:
    """Every public key of ``owner`` in ``keys_dir`` by its ``kid``."""
    keys: dict[str, rsa.RSAPublicKey] = {}
    for path in sorted(public_keys_dir(keys_dir, owner).glob(f"*{PUBLIC_KEY_SUFFIX}")):
        key = serialization.load_pem_public_key(path.read_bytes())
        if isinstance(key, rsa.RSAPublicKey):
            keys[kid_of(key)] = key
    return keys


def load_all_public_keys(keys_dir: Path) -> dict[str, tuple[str, rsa.RSAPublicKey]]:
    """Every public key in ``keys_dir``: kid -> (owner, key)."""
    owners = sorted(path.name for path in (keys_dir / "public").glob("*") if path.is_dir())
    return {kid: (owner, key) for owner in owners for kid, key in load_public_keys(keys_dir, owner).items()}


def jwks(public_keys: dict[str, rsa.RSAPublicKey]) -> dict:
    """A JSON Web Key Set publishing ``public_keys``."""
    entries = []
    for kid, key in public_keys.items():
        jwk = json.loads(RSAAlgorithm.to_jwk(key))
        entries.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
    return {"keys": entries}
