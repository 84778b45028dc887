"""Key files made on first use in development mode (the token signing key, the anchor key, the
Auskunft link key): made once, by whichever process comes first, and read whole by every other.

With SERVICE_WORKERS > 1 the workers start together, and each found no key and made one: the
second `O_EXCL` create failed its start ("File exists"), and a reader could meet a file not yet
written. So a key is written to a temporary file beside it and published with `link()`, which
fails if the name exists and otherwise makes the complete file appear at once.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def read_or_create(path: Path, make: Callable[[], bytes]) -> bytes:
    """The file's bytes; if there is none, `make()`'s, published atomically (mode 0600)."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(make())
        with contextlib.suppress(FileExistsError):  # another process published its key first
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return path.read_bytes()
