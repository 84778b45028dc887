"""What anchoring costs per interval: read every jobcenter's 16 chain heads through
`audit_anchor_heads()`, sign them and append the anchor file (service/audit/anchoring.py), for N
jobcenters; and what checking the anchors costs a verifier.

    .venv/bin/python bench/anchor_cost.py [--jobcenters 20 405] [--rounds 20]

Heads are written straight into `audit_chain_heads` (their number, not the records behind them,
is what anchoring reads). Uses DATABASE_URL's server, or the embedded one in .data/bench/.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.audit.anchoring import anchor_now, read_heads
from service.audit.anchors import AnchorDirectory
from service.audit.models import LANES
from service.db.admin import drop_database, ensure_database
from service.db.embedded import start_embedded_server
from service.db.migrate import upgrade_to_head
from service.db.urls import as_asyncpg


async def measure(server, jobcenters: int, rounds: int) -> dict:
    name = f"casework_anchor_bench_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(server, name)
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        await upgrade_to_head(url)
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO tenants (id, slug, name)"
                    " SELECT gen_random_uuid(), 'jc-' || n, 'Jobcenter ' || n"
                    " FROM generate_series(1, :n) n"
                ),
                {"n": jobcenters},
            )
            await conn.execute(
                text(
                    "INSERT INTO audit_chain_heads (tenant_id, lane, seq, hash)"
                    " SELECT t.id, l, 1000 + l, sha256(t.id::text::bytea || l::text::bytea)"
                    " FROM tenants t CROSS JOIN generate_series(0, :lanes - 1) l"
                ),
                {"lanes": LANES},
            )
        key = Ed25519PrivateKey.generate()
        with tempfile.TemporaryDirectory() as folder:
            store = AnchorDirectory(Path(folder))
            read, whole = [], []
            for _ in range(rounds):
                started = time.perf_counter()
                await read_heads(engine)
                read.append(time.perf_counter() - started)
                started = time.perf_counter()
                anchor = await anchor_now(engine, store, key)
                whole.append(time.perf_counter() - started)
            size = (store.path / f"anchor-{anchor.number:08d}.json").stat().st_size
            started = time.perf_counter()
            check = store.check(key.public_key())
            checked = time.perf_counter() - started
            assert check.intact and len(check.anchors) == rounds
    finally:
        await engine.dispose()
        await drop_database(server, name)
    return {
        "jobcenters": jobcenters,
        "heads": jobcenters * LANES,
        "read_ms": statistics.median(read) * 1000,
        "anchor_ms": statistics.median(whole) * 1000,
        "bytes": size,
        "check_ms_per_anchor": checked / rounds * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobcenters", type=int, nargs="+", default=[20, 405])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL"):
        server = as_asyncpg(os.environ["DATABASE_URL"])
    else:
        server = start_embedded_server(Path(".data/bench/pg"))
    print("jobcenters | heads | read heads ms | whole anchor ms | anchor bytes | check ms/anchor")
    for jobcenters in args.jobcenters:
        row = asyncio.run(measure(server, jobcenters, args.rounds))
        print(
            f"{row['jobcenters']} | {row['heads']} | {row['read_ms']:.1f} | {row['anchor_ms']:.1f}"
            f" | {row['bytes']:,} | {row['check_ms_per_anchor']:.1f}"
        )


if __name__ == "__main__":
    main()
