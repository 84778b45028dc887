"""Measure what the audit log costs per field read: append N records through `audit_append`
(the service's own path) into a fresh database, then divide the partitions' total size (table,
TOAST and indexes) by the number of field reads recorded.

    .venv/bin/python bench/audit_size.py [--records 20000] [--fields 12]

Uses DATABASE_URL's server, or the embedded one in .data/bench/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

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
BATCH = 500


def _events(tenant: uuid.UUID, subjects: list[uuid.UUID], count: int, fields: int) -> list[dict]:
    now = datetime.now(UTC).isoformat()
    request = str(uuid.uuid4())
    return [
        {
            "tenant_id": str(tenant),
            "occurred_at": now,
            "request_id": request,
            "operation": "CaseList",
            "action": "read",
            "actor_kind": "staff",
            "actor_id": str(subjects[0]),
            "actor_organisation_id": None,
            "subject_id": str(subjects[n % len(subjects)]),
            "object_type": "client",
            "object_id": str(subjects[n % len(subjects)]),
            "fields": FIELDS[:fields],
            "basis": "responsible_case_manager+same_jobcenter",
        }
        for n in range(count)
    ]


async def measure(server, records: int, fields: int) -> dict[str, float]:
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
                await conn.execute(
                    text("SELECT audit_append(CAST(:e AS jsonb))"),
                    {"e": json.dumps(_events(tenant, subjects, BATCH, fields))},
                )
        elapsed = time.perf_counter() - started
        async with engine.connect() as conn:
            size = await conn.scalar(
                text(
                    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_inherits i"
                    " JOIN pg_class c ON c.oid = i.inhrelid"
                    " WHERE i.inhparent = 'audit_log'::regclass"
                )
            )
        await engine.dispose()
        written = (records // BATCH) * BATCH
        return {
            "records": written,
            "fields_per_record": fields,
            "bytes_per_record": size / written,
            "bytes_per_field_read": size / (written * fields),
            "append_us_per_record": elapsed / written * 1e6,
        }
    finally:
        await drop_database(server, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--fields", type=int, default=12)
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL"):
        server = as_asyncpg(os.environ["DATABASE_URL"])
    else:
        server = start_embedded_server(Path(".data/bench/pg"))
    result = asyncio.run(measure(server, args.records, args.fields))
    for key, value in result.items():
        print(f"{key:>24}: {value:,.1f}")


if __name__ == "__main__":
    main()
