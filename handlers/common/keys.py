"""RS256 key material: development key generation, public keys by ``kid``, JWKS.

A keys directory holds one ``signing.pem`` (the private key the user service signs
with) and any number of ``<kid>.public.pem`` files (every key a token may still be
signed with, so keys rotate by adding a new pair and later removing the old public key).
The ``kid`` is the RFC 7638 thumbprint of the public key.
"""

import base64
import hashlib
import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

SIGNING_KEY_FILE = "signing.pem"
PUBLIC_KEY_SUFFIX = ".public.pem"


def kid_of(public_key: rsa.RSAPublicKey) -> str:
    jwk = json.loads(RSAAlgorithm.to_jwk(public_key))
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def ensure_dev_keys(keys_dir: Path) -> None:
    """Create a development key pair in ``keys_dir`` when it has no signing key."""
    if (keys_dir / SIGNING_KEY_FILE).exists():
        return
    keys_dir.mkdir(parents=True, exist_ok=True)
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (keys_dir / SIGNING_KEY_FILE).write_bytes(
        private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    public_key = private_key.public_key()
    (keys_dir / f"{kid_of(public_key)}{PUBLIC_KEY_SUFFIX}").write_bytes(
        public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def load_signing_key(keys_dir: Path) -> tuple[str, rsa.RSAPrivateKey]:
    """The private key to sign with and its ``kid``."""
    key = serialization.load_pem_private_key((keys_dir / SIGNING_KEY_FILE).read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{keys_dir / SIGNING_KEY_FILE} is not an RSA private key")
    return kid_of(key.public_key()), key


def load_public_keys(keys_dir: Path) -> dict[str, rsa.RSAPublicKey]:
    """Every public key in ``keys_dir`` by its ``kid``."""
    keys: dict[str, rsa.RSAPublicKey] = {}
    for path in sorted(keys_dir.glob(f"*{PUBLIC_KEY_SUFFIX}")):
        key = serialization.load_pem_public_key(path.read_bytes())
        if isinstance(key, rsa.RSAPublicKey):
            keys[kid_of(key)] = key
    return keys


def jwks(public_keys: dict[str, rsa.RSAPublicKey]) -> dict:
    """A JSON Web Key Set publishing ``public_keys``."""
    entries = []
    for kid, key in public_keys.items():
        jwk = json.loads(RSAAlgorithm.to_jwk(key))
        entries.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
    return {"keys": entries}
