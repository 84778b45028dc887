"""Verification from an export and the anchors alone, without the database.

An outside party (an auditor, a court's expert) gets the anchors, the published public key and
an export (export.py) and runs `service audit verify --anchors DIR --export FILE`: the same lane
walk as against the database (verify.py: LaneWalk), fed from the file. A jobcenter the anchors
name but the export lacks is checked too — against nothing, so each of its anchored heads is
named as no longer reached — when the export claims to cover it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from service.audit.codes import FieldNames
from service.audit.export import FORMAT
from service.audit.verify import EPOCH, AnchoredHead, ChainReport, LaneWalk


class ExportError(ValueError):
    """The export cannot be read; the message names the file and line, never its content."""


@dataclass(frozen=True, slots=True)
class Link:
    tenant_id: str
    lane: int
    seq: int
    occurred_at: Any
    request_id: str
    operation: str
    actor_kind: str
    actor_id: str
    actor_organisation_id: str | None
    hash: bytes


@dataclass(frozen=True, slots=True)
class Entry:
    entry: int
    occurred_at: Any
    kind: int
    fields: int
    subject_id: str
    object_id: str | None
    action: str | None
    object_type: str | None
    basis: str | None


@dataclass(slots=True)
class _Jobcenter:
    """One jobcenter being walked: its dictionaries, heads and the first break found."""

    tenant_id: uuid.UUID
    names: FieldNames
    kinds: dict[int, tuple[str, str]]
    bases: dict[int, str]
    heads: dict[int, tuple[int, bytes]]
    anchored: dict[int, list[AnchoredHead]]
    checked: int = 0
    broken: ChainReport | None = None
    walked: set[int] = field(default_factory=set)

    def report(self) -> ChainReport:
        return self.broken or ChainReport(self.tenant_id, self.checked)

    def close(self, walk: LaneWalk | None) -> None:
        if walk is None or self.broken:
            return
        head = self.heads.get(walk.lane)
        self._note(walk, walk.finish(None if head is None else _Head(*head)))

    def _note(self, walk: LaneWalk, broken: tuple[int, str] | None) -> None:
        if broken and not self.broken:
            seq, problem = broken
            self.broken = ChainReport(
                self.tenant_id,
                self.checked,
                seq,
                f"lane {walk.lane}: {problem}",
                walk.lane,
                walk.missed_anchor,
            )


@dataclass(frozen=True, slots=True)
class _Head:
    seq: int
    hash: bytes


def verify_export(
    path: Path, anchored: dict[uuid.UUID, dict[int, list[AnchoredHead]]]
) -> list[ChainReport]:
    """One report per jobcenter the export covers: its own, and every anchored one it claims."""
    reports: dict[uuid.UUID, ChainReport] = {}
    lines = _lines(path)
    _, header = next(lines, (0, None))
    if header is None or header.get("type") != "header" or header.get("format") != FORMAT:
        raise ExportError(f"{path}: not an audit export ({FORMAT})")
    jobcenter: _Jobcenter | None = None
    walk: LaneWalk | None = None
    for number, item in lines:
        try:
            kind = item["type"]
            if kind == "jobcenter":
                if jobcenter:
                    jobcenter.close(walk)
                    reports[jobcenter.tenant_id] = _finish(jobcenter)
                jobcenter, walk = _jobcenter(item, anchored), None
            elif kind == "lane" and jobcenter:
                jobcenter.close(walk)
                walk = _lane(item, jobcenter)
            elif kind == "link" and jobcenter and walk:
                if not jobcenter.broken:
                    broken = walk.feed(_link(item, jobcenter, walk.lane), _entries(item, jobcenter))
                    jobcenter.checked += 0 if broken else 1
                    jobcenter._note(walk, broken)
            else:
                raise ExportError(f"{path}: line {number} is out of place")
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, ExportError):
                raise
            raise ExportError(f"{path}: line {number} is not a readable export line") from None
    if jobcenter:
        jobcenter.close(walk)
        reports[jobcenter.tenant_id] = _finish(jobcenter)
    scope = header.get("scope")
    claimed = set(anchored) if scope == "all" else {uuid.UUID(t) for t in scope or ()}
    for tenant_id in sorted(claimed - set(reports), key=str):
        missing = _Jobcenter(tenant_id, FieldNames({}), {}, {}, {}, anchored.get(tenant_id, {}))
        reports[tenant_id] = _finish(missing)
    return [reports[t] for t in sorted(reports, key=str)]


def _finish(jobcenter: _Jobcenter) -> ChainReport:
    """Anchored lanes the export never walked must still be reached: they are not."""
    for lane in sorted(set(jobcenter.anchored) - jobcenter.walked):
        walk = LaneWalk(lane, jobcenter.names, jobcenter.anchored[lane])
        jobcenter._note(walk, walk.finish(None))
    return jobcenter.report()


def _lines(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as error:
        raise ExportError(f"{path}: {error.strerror}") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            try:
                item = json.loads(line)
            except ValueError:
                raise ExportError(f"{path}: line {number} is not JSON") from None
            if not isinstance(item, dict):
                raise ExportError(f"{path}: line {number} is not a readable export line")
            yield number, item


def _jobcenter(item: dict, anchored: dict) -> _Jobcenter:
    tenant_id = uuid.UUID(item["id"])
    by_kind: dict[int, dict[int, str]] = {}
    for kind, bit, name in item["fields"]:
        by_kind.setdefault(int(kind), {})[int(bit)] = str(name)
    return _Jobcenter(
        tenant_id,
        FieldNames(by_kind),
        {int(code): (action, object_type) for code, action, object_type in item["kinds"]},
        {int(code): name for code, name in item["bases"]},
        {int(lane): (int(seq), bytes.fromhex(h)) for lane, seq, h in item["heads"]},
        anchored.get(tenant_id, {}),
    )


def _lane(item: dict, jobcenter: _Jobcenter) -> LaneWalk:
    lane, from_seq = int(item["lane"]), int(item["from_seq"])
    previous = item["previous"]
    jobcenter.walked.add(lane)
    walk = LaneWalk(
        lane,
        jobcenter.names,
        jobcenter.anchored.get(lane, ()),
        from_seq=from_seq,
        previous=b"" if previous is None else bytes.fromhex(previous),
    )
    if previous is None:
        jobcenter._note(walk, (from_seq - 1, f"record {from_seq - 1} is missing"))
    else:
        jobcenter._note(walk, walk.start())
    return walk


def _link(item: dict, jobcenter: _Jobcenter, lane: int) -> Link:
    return Link(
        str(jobcenter.tenant_id),
        lane,
        int(item["seq"]),
        EPOCH + timedelta(microseconds=int(item["at"])),
        str(item["request"]),
        str(item["operation"]),
        str(item["actor_kind"]),
        str(item["actor"]),
        item["organisation"],
        bytes.fromhex(item["hash"]),
    )


def _entries(item: dict, jobcenter: _Jobcenter) -> list[Entry]:
    entries = []
    for number, at, kind, fields, subject, object_id, basis in item["entries"]:
        action, object_type = jobcenter.kinds.get(int(kind), (None, None))
        entries.append(
            Entry(
                int(number),
                EPOCH + timedelta(microseconds=int(at)),
                int(kind),
                int(fields),
                str(subject),
                object_id,
                action,
                object_type,
                jobcenter.bases.get(int(basis)),
            )
        )
    return entries
