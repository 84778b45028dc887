"""CPU profile of the service's processes under load (py-spy, sampling, on-CPU only, the workers
included), split by part: a sample counts for policy or audit when service/policy or
service/audit is the innermost frame of the service's own code (so the resolvers the field guard
wraps count as resolvers, not as policy, and Oso called from the guard counts as policy); any
other sample for the part its innermost frame's module belongs to (PARTS)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^():]+)(?::\d+)?\)$")


# (part, path fragments of its modules), first match wins; C code counts for its Python caller.
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("HTTP/ASGI", ("/uvicorn/", "/starlette/", "/httptools/", "/h11/")),
    ("event loop", ("/asyncio/", "/uvloop/", "/selectors.py", "/concurrent/")),
    ("asyncpg", ("/asyncpg/",)),
    ("SQLAlchemy ORM", ("/sqlalchemy/",)),
    ("strawberry", ("/strawberry/",)),
    ("graphql-core", ("/graphql/",)),
    ("policy", ("/oso/", "/polar/")),
    ("JSON", ("/json/", "/orjson/")),
    ("token check", ("/jwt/", "/cryptography/")),
    ("telemetry", ("/opentelemetry/", "/service/telemetry/")),
    ("service code", ("/service/",)),
)
OTHER = "other (stdlib, logging, GC)"


def part_of(file: str) -> str:
    for part, fragments in PARTS:
        if any(fragment in file for fragment in fragments):
            return part
    return OTHER


@dataclass
class Profile:
    samples: int = 0
    policy: int = 0
    audit: int = 0
    parts: Counter = field(default_factory=Counter)
    self_time: Counter = field(default_factory=Counter)
    service_inclusive: Counter = field(default_factory=Counter)

    def share(self, part: int) -> float:
        return part / self.samples if self.samples else 0.0


def py_spy() -> str | None:
    found = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return found if Path(found).exists() else None


def record(pid: int, seconds: int, output: Path) -> subprocess.Popen:
    exe = py_spy()
    if exe is None:
        raise RuntimeError("py-spy is not installed (pip install -e '.[bench]')")
    return subprocess.Popen(
        [
            exe,
            "record",
            "--pid",
            str(pid),
            "--subprocesses",  # SERVICE_WORKERS: the workers are the parent's children
            "--duration",
            str(seconds),
            "--rate",
            "250",
            "--format",
            "raw",
            "--output",
            str(output),
            "--nonblocking",
            "--full-filenames",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _where(frame: str) -> tuple[str, str]:
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip(), ""
    return match["function"], match["file"]


def _service_path(file: str) -> str | None:
    marker = "/service/"
    index = file.rfind(marker)
    if index < 0 or "site-packages" in file:
        return None
    return "service/" + file[index + len(marker) :]


def analyse(raw: Path) -> Profile:
    profile = Profile()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_where(f) for f in stack.split(";")]
        # py-spy puts the thread first; the root is next, the leaf last
        profile.samples += n
        function, leaf = frames[-1]
        profile.self_time[f"{Path(leaf).name}:{function}" if leaf else function] += n
        innermost = None
        seen = set()
        for function, file in frames:
            path = _service_path(file)
            if path is None:
                continue
            innermost = path
            key = f"{path}:{function}"
            if key not in seen:
                seen.add(key)
                profile.service_inclusive[key] += n
        if innermost is not None and innermost.startswith("service/policy/"):
            profile.policy += n
            profile.parts["policy"] += n
        elif innermost is not None and innermost.startswith("service/audit/"):
            profile.audit += n
            profile.parts["audit"] += n
        else:
            profile.parts[part_of(leaf)] += n
    return profile


def report(profile: Profile, top: int = 15) -> str:
    lines = [
        f"samples {profile.samples}; policy {profile.share(profile.policy):.1%},"
        f" audit {profile.share(profile.audit):.1%}",
        "by part:",
        *(f"  {n / profile.samples:6.1%}  {part}" for part, n in profile.parts.most_common()),
        "top self time:",
    ]
    for name, n in profile.self_time.most_common(top):
        lines.append(f"  {n / profile.samples:6.1%}  {name}")
    lines.append("top inclusive time in service/:")
    for name, n in profile.service_inclusive.most_common(top):
        lines.append(f"  {n / profile.samples:6.1%}  {name}")
    return "\n".join(lines)
