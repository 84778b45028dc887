"""The key anchors are signed with: Ed25519, held outside the database.

The point of an anchor is that whoever can rewrite the database cannot also make a new anchor,
so the private key lives in a file or the environment of the anchoring process only, and its
public half is published in the deploy configuration for anyone who verifies.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from service.key_files import read_or_create
from service.settings import Settings


class AnchorKeyError(ValueError):
    """The anchor key is missing, unreadable or not Ed25519; the message says which, never the
    key's bytes."""


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short name for a public key, written into every anchor so a verifier given the wrong
    key is told so rather than shown a failed signature per anchor."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def verifies(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The key of `AUDIT_ANCHOR_KEY_FILE` or `AUDIT_ANCHOR_KEY`; in development mode without
    either, one made on first use in the data folder (like the token key, never committed)."""
    if settings.audit_anchor_key:
        return _private(settings.audit_anchor_key.encode(), "AUDIT_ANCHOR_KEY")
    if settings.audit_anchor_key_file:
        path = settings.audit_anchor_key_file
        return _private(_read(path), f"AUDIT_ANCHOR_KEY_FILE {path}")
    if settings.development:
        return load_or_create_dev_anchor_key(settings.dev_anchor_key_file)
    raise AnchorKeyError("anchoring needs AUDIT_ANCHOR_KEY_FILE or AUDIT_ANCHOR_KEY")


def verification_key(settings: Settings, public_key_file: Path | None = None) -> Ed25519PublicKey:
    """What anchors are checked against: the given or configured public key; else the public
    half of the configured signing key (the operator's own check). Never a key made here: a
    verifier without the published key must be told, not handed a fresh one."""
    path = public_key_file or settings.audit_anchor_public_key_file
    if path is not None:
        return _public(_read(path), str(path))
    if settings.audit_anchor_key or settings.audit_anchor_key_file:
        return signing_key(settings).public_key()
    if settings.development and settings.dev_anchor_key_file.exists():
        return signing_key(settings).public_key()
    raise AnchorKeyError(
        "no public key to check anchors with: pass --public-key FILE or set "
        "AUDIT_ANCHOR_PUBLIC_KEY_FILE"
    )


def load_or_create_dev_anchor_key(path: Path) -> Ed25519PrivateKey:
    return _private(read_or_create(path, _new_anchor_key), str(path))


def _new_anchor_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise AnchorKeyError(f"cannot read the key file {path}: {error.strerror}") from None


def _private(pem: bytes, where: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise AnchorKeyError(f"{where} is not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise AnchorKeyError(f"{where} is not an Ed25519 key")
    return key


def _public(pem: bytes, where: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        raise AnchorKeyError(f"{where} is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise AnchorKeyError(f"{where} is not an Ed25519 public key")
    return key
