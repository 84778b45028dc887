"""Development key files are made once, whoever comes first: with SERVICE_WORKERS > 1 the
workers start together, and a second worker used to fail its start on "File exists"."""

from __future__ import annotations

import os
import stat
import threading

from service.identity.tokens import load_or_create_dev_key
from service.key_files import read_or_create


def test_processes_starting_together_all_read_the_one_key_made(tmp_path):
    path = tmp_path / "keys" / "dev-key.pem"
    start = threading.Barrier(16)
    found: list[bytes] = []

    def worker() -> None:
        start.wait()
        found.append(read_or_create(path, lambda: os.urandom(64)))

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(found) == 16 and len(set(found)) == 1 and len(found[0]) == 64
    assert path.read_bytes() == found[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(path.parent) == ["dev-key.pem"]  # no temporary file left behind


def test_a_key_once_made_is_kept(tmp_path):
    first = load_or_create_dev_key(tmp_path / "dev-signing-key.pem")
    again = load_or_create_dev_key(tmp_path / "dev-signing-key.pem")
    assert first.kid == again.kid
