"""Anchors: signed snapshots of every jobcenter's chain heads, kept outside PostgreSQL.

An anchor lists, per jobcenter and lane, the head (seq and hash) at the moment it was made,
names the key that signed it, and hashes the anchor before it; the files are appended to a
directory, each one created once and never rewritten. Whoever can change the database cannot
change what an anchor says without the key, so a chain shortened or rewritten after an anchor
no longer reaches it (verify.py names where). What the chain holds between the last anchor and
the moment of tampering is not covered: that window is the anchoring interval (README, "Trust
model").

An anchor holds ids, lane numbers, counts and hashes: nothing about any client.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from service.audit.anchor_keys import key_id, verifies

FORMAT = "casework-audit-anchor/1"
NAME = re.compile(r"anchor-(\d{8})\.json")
# Two anchorers (a replica and the cron job) may race for the next number; the loser re-reads.
ATTEMPTS = 5


class AnchorStoreError(OSError):
    """The anchor directory cannot be read or written; the message names it."""


@dataclass(frozen=True, slots=True)
class Head:
    tenant_id: uuid.UUID
    lane: int
    seq: int
    hash: bytes


@dataclass(frozen=True, slots=True)
class Anchor:
    number: int
    made_at: datetime
    key: str
    heads: tuple[Head, ...]
    digest: str
    """SHA-256 of the anchor's file: what the next anchor names as its previous."""


@dataclass(frozen=True, slots=True)
class AnchorCheck:
    """The anchors that passed, in order; and the first that did not, if any (checking stops
    there: an anchor after a forged one proves nothing)."""

    anchors: tuple[Anchor, ...]
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def canonical_json(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def anchor_body(number: int, made_at: datetime, previous: str | None, key: str, heads) -> dict:
    by_tenant: dict[uuid.UUID, list[list]] = {}
    for head in sorted(heads, key=lambda h: (str(h.tenant_id), h.lane)):
        by_tenant.setdefault(head.tenant_id, []).append([head.lane, head.seq, head.hash.hex()])
    return {
        "format": FORMAT,
        "number": number,
        "made_at": made_at.astimezone(UTC).isoformat(),
        "previous": previous,
        "key": key,
        "jobcenters": [{"id": str(t), "lanes": lanes} for t, lanes in by_tenant.items()],
    }


def sealed(body: dict, private_key: Ed25519PrivateKey) -> bytes:
    """The file's bytes: the body and its signature over the body's canonical JSON."""
    signature = private_key.sign(canonical_json(body))
    return canonical_json({"anchor": body, "signature": base64.b64encode(signature).decode()})


class AnchorDirectory:
    """Anchors as numbered files in one directory (development, tests, a mounted volume). In
    production the same files belong in a bucket with object lock, so that not even the
    anchoring process can delete them; that store is not built here."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, heads: Iterable[Head], private_key: Ed25519PrivateKey, made_at: datetime):
        heads = tuple(heads)
        self._make_directory()
        for _ in range(ATTEMPTS):
            files = self._files()
            number, previous = 1, None
            if files:
                last_number, last_path = files[-1]
                number, previous = last_number + 1, _digest(self._read(last_path))
            key = key_id(private_key.public_key())
            body = anchor_body(number, made_at, previous, key, heads)
            content = sealed(body, private_key) + b"\n"
            if self._publish(number, content):
                return Anchor(number, made_at, key, heads, _digest(content))
        raise AnchorStoreError(f"{self.path}: another anchorer kept taking the next number")

    def check(self, public_key: Ed25519PublicKey) -> AnchorCheck:
        """Read every anchor and check it: format, signature by this key, number and the hash of
        the one before."""
        passed: list[Anchor] = []
        expected_number, previous = 1, None
        published = key_id(public_key)
        for number, path in self._files():
            if number != expected_number:
                return AnchorCheck(tuple(passed), f"anchor {expected_number} is missing")
            content = self._read(path)
            anchor, problem = _parse(content, number, previous, public_key, published)
            if problem:
                return AnchorCheck(tuple(passed), f"anchor {number} ({path.name}): {problem}")
            passed.append(anchor)
            expected_number, previous = number + 1, anchor.digest
        return AnchorCheck(tuple(passed))

    def last(self, public_key: Ed25519PublicKey) -> AnchorCheck:
        """Only the newest anchor, its signature checked (the API's cheap look; the CLI checks
        them all)."""
        files = self._files() if self.path.is_dir() else []
        if not files:
            return AnchorCheck(())
        number, path = files[-1]
        anchor, problem = _parse(self._read(path), number, None, public_key, key_id(public_key))
        if problem:
            return AnchorCheck((), f"anchor {number} ({path.name}): {problem}")
        return AnchorCheck((anchor,))

    def _files(self) -> list[tuple[int, Path]]:
        try:
            names = os.listdir(self.path)
        except FileNotFoundError:
            raise AnchorStoreError(f"{self.path}: no such anchor directory") from None
        except OSError as error:
            raise AnchorStoreError(f"{self.path}: {error.strerror}") from None
        found = [(int(m.group(1)), self.path / n) for n in names if (m := NAME.fullmatch(n))]
        return sorted(found)

    def _read(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as error:
            raise AnchorStoreError(f"{path}: {error.strerror}") from None

    def _make_directory(self) -> None:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise AnchorStoreError(f"{self.path}: {error.strerror}") from None

    def _publish(self, number: int, content: bytes) -> bool:
        """Write the anchor whole under a temporary name, then link it to its number: the link
        fails if the number is taken, and no reader ever sees half an anchor."""
        final = self.path / f"anchor-{number:08d}.json"
        temporary = self.path / f".anchor-{uuid.uuid4().hex}.tmp"
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(temporary, final)
            except FileExistsError:
                return False
            _sync_directory(self.path)
            return True
        except OSError as error:
            raise AnchorStoreError(f"{self.path}: {error.strerror}") from None
        finally:
            temporary.unlink(missing_ok=True)


def _parse(
    content: bytes, number: int, previous: str | None, public_key: Ed25519PublicKey, key: str
) -> tuple[Anchor | None, str | None]:
    try:
        sealed_anchor = json.loads(content)
        body, signature = sealed_anchor["anchor"], base64.b64decode(sealed_anchor["signature"])
        if body["format"] != FORMAT:
            return None, f"unknown format {body['format']!r}"
        heads = tuple(_heads(body["jobcenters"]))
        made_at = datetime.fromisoformat(body["made_at"])
        signed_by, named_number, named_previous = body["key"], body["number"], body["previous"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, "not a readable anchor"
    if signed_by != key:
        return None, f"signed by key {signed_by}, not by the published key {key}"
    if not verifies(public_key, signature, canonical_json(body)):
        return None, "signature does not verify with the published key"
    if named_number != number:
        return None, f"says it is anchor {named_number}"
    if previous is not None and named_previous != previous:
        return None, "does not follow the anchor before it (its hash differs)"
    return Anchor(number, made_at, signed_by, heads, _digest(content)), None


def _heads(jobcenters: list) -> Iterator[Head]:
    for jobcenter in jobcenters:
        tenant_id = uuid.UUID(jobcenter["id"])
        for lane, seq, hash_hex in jobcenter["lanes"]:
            yield Head(tenant_id, int(lane), int(seq), bytes.fromhex(hash_hex))


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _sync_directory(path: Path) -> None:
    # The new name must survive a crash as the anchor's content does.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
