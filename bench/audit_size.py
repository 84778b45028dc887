"""Measure what the audit log costs per field read: append N records (objects read) through
`audit_append` (the service's own path) into a fresh database, then divide the partitions' total
size (request links and entries: table, TOAST and indexes) by the number of field reads recorded.
The dictionaries (a few kB per jobcenter, not growing with reads) are reported apart.

    .venv/bin/python bench/audit_size.py [--records 20000] [--fields 12] [--per-request 500]
                                         [--mixed]

`--mixed`: every second object is a case (its own id stored) instead of the client's own record
(stored without an object id).

Uses DATABASE_URL's server, or the embedded one in .data/bench/.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.audit.event import AuditAction, AuditEvent
from service.audit.recorder import append
from service.db.admin import drop_database, ensure_database
from service.db.embedded import start_embedded_server
from service.db.migrate import upgrade_to_head
from service.db.urls import as_asyncpg

FIELDS = [
    "givenName",
    "familyName",
    "dateOfBirth",
    "customerNumber",
    "street",
    "postalCode",
    "city",
    "phone",
    "email",
    "householdSize",
    "childrenInHousehold",
    "status",
    "purpose",
    "text",
]
BATCH = 500  # records a call of audit_append


@dataclass(frozen=True)
class Shape:
    per_request: int = BATCH
    mixed: bool = False


def _events(
    tenant: uuid.UUID, subjects: list[uuid.UUID], count: int, fields: int, shape: Shape
) -> list[AuditEvent]:
    now = datetime.now(UTC)
    requests = [uuid.uuid4() for _ in range(-(-count // shape.per_request))]
    return [
        AuditEvent(
            tenant_id=tenant,
            occurred_at=now,
            request_id=requests[n // shape.per_request],
            operation="CaseList",
            action=AuditAction.READ,
            actor_kind="staff",
            actor_id=subjects[0],
            actor_organisation_id=None,
            subject_id=subjects[n % len(subjects)],
            object_type="case" if shape.mixed and n % 2 else "client",
            object_id=uuid.uuid4() if shape.mixed and n % 2 else subjects[n % len(subjects)],
            fields=tuple(FIELDS[:fields]),
            basis="responsible_case_manager+same_jobcenter",
        )
        for n in range(count)
    ]


# The partitions the records went to (this month's), and all of them: each of the 36 empty
# months still holds an 8 kB page per index, 0.6–0.9 MB that 20,000 records would carry.
_SIZES = text(
    "SELECT sum(pg_total_relation_size(c.oid)) FILTER (WHERE pg_relation_size(c.oid) > 0),"
    " sum(pg_total_relation_size(c.oid))"
    " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
    " WHERE i.inhparent IN ('audit_requests'::regclass, 'audit_entries'::regclass)"
)


async def measure(server, records: int, fields: int, shape: Shape = Shape()) -> dict[str, float]:
    name = f"casework_bench_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(server, name)
    try:
        await upgrade_to_head(url)
        engine = create_async_engine(url, poolclass=pool.NullPool)
        tenant = uuid.uuid4()
        subjects = [uuid.uuid4() for _ in range(1000)]
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO tenants (id, slug, name) VALUES (:t, 'jc-bench', 'Bench')"),
                {"t": tenant},
            )
        started = time.perf_counter()
        for _ in range(records // BATCH):
            async with engine.begin() as conn:
                await append(conn, _events(tenant, subjects, BATCH, fields, shape))
        elapsed = time.perf_counter() - started
        async with engine.connect() as conn:
            size, all_partitions = (await conn.execute(_SIZES)).one()
            dictionaries = await conn.scalar(
                text(
                    "SELECT pg_total_relation_size('audit_kinds')"
                    " + pg_total_relation_size('audit_fields')"
                    " + pg_total_relation_size('audit_bases')"
                )
            )
        await engine.dispose()
        written = (records // BATCH) * BATCH
        return {
            "records": written,
            "fields_per_record": fields,
            "bytes_per_record": size / written,
            "bytes_per_field_read": size / (written * fields),
            "with_empty_partitions": all_partitions / (written * fields),
            "append_us_per_record": elapsed / written * 1e6,
            "records_per_request": min(shape.per_request, BATCH),
            "dictionary_bytes": dictionaries,
        }
    finally:
        await drop_database(server, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--fields", type=int, default=12)
    parser.add_argument("--per-request", type=int, default=BATCH)
    parser.add_argument("--mixed", action="store_true")
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL"):
        server = as_asyncpg(os.environ["DATABASE_URL"])
    else:
        server = start_embedded_server(Path(".data/bench/pg"))
    shape = Shape(per_request=min(args.per_request, BATCH), mixed=args.mixed)
    result = asyncio.run(measure(server, args.records, args.fields, shape))
    for key, value in result.items():
        print(f"{key:>24}: {value:,.1f}")


if __name__ == "__main__":
    main()
