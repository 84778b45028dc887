"""CPU profile of the service process under load (py-spy, sampling, on-CPU only), attributed to
policy decisions and audit: a sample counts for service/policy or service/audit when that is the
innermost frame of the service's own code (so the resolvers the field guard wraps count as
resolvers, not as policy)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^():]+)(?::\d+)?\)$")


@dataclass
class Profile:
    samples: int = 0
    policy: int = 0
    audit: int = 0
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
        function, file = frames[-1]
        profile.self_time[f"{Path(file).name}:{function}" if file else function] += n
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
        if innermost is not None:
            if innermost.startswith("service/policy/"):
                profile.policy += n
            elif innermost.startswith("service/audit/"):
                profile.audit += n
    return profile


def report(profile: Profile, top: int = 15) -> str:
    lines = [
        f"samples {profile.samples}; policy {profile.share(profile.policy):.1%},"
        f" audit {profile.share(profile.audit):.1%}",
        "top self time:",
    ]
    for name, n in profile.self_time.most_common(top):
        lines.append(f"  {n / profile.samples:6.1%}  {name}")
    lines.append("top inclusive time in service/:")
    for name, n in profile.service_inclusive.most_common(top):
        lines.append(f"  {n / profile.samples:6.1%}  {name}")
    return "\n".join(lines)
