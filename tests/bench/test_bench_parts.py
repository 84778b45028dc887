"""The bench's reading of what it measured, on fixed inputs: py-spy's samples split by part,
PostgreSQL's logged durations summed by statement, the peer's W2 answer checked for its shape,
and the table with every ratio. No server runs here, but for the generated audit history,
which must be a chain that `service audit verify` accepts (a scratch database, small sizes)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

import bench.__main__ as bench_main
from bench import peer, profile, report, statements
from bench.datagen import AUDIT_BASIS, Sizes, bench_id, connect_kwargs, generate
from service.audit.event import AuditAction, AuditEvent
from service.audit.recorder import append
from service.audit.verify import verify_all
from service.db.admin import drop_database, ensure_database
from service.db.migrate import upgrade_to_head

SITE = "/venv/lib/python3.11/site-packages"
RAW = "\n".join(
    [
        f"MainThread;run ({SITE}/uvicorn/server.py:1);parse ({SITE}/httptools/parser.py:2) 3",
        f"MainThread;execute (/repo/service/web/graphql_endpoint.py:1);"
        f"complete_value ({SITE}/graphql/execution/execute.py:3) 5",
        f"MainThread;resolve (/repo/service/policy/guard.py:4);query ({SITE}/oso/oso.py:5) 2",
        f"MainThread;record (/repo/service/audit/recorder.py:6);"
        f"dumps ({SITE}/json/__init__.py:7) 1",
        f"MainThread;fetch ({SITE}/asyncpg/connection.py:8) 4",
    ]
)


def test_py_spy_samples_are_split_by_part(tmp_path):
    raw = tmp_path / "profile.txt"
    raw.write_text(RAW + "\n")

    split = profile.analyse(raw)

    assert split.samples == 15
    assert dict(split.parts) == {
        "HTTP/ASGI": 3,
        "graphql-core": 5,
        "policy": 2,  # Oso under the guard counts as policy
        "audit": 1,  # JSON written by the audit counts as audit
        "asyncpg": 4,
    }
    assert (split.policy, split.audit) == (2, 1)
    assert "by part:" in profile.report(split)


LOG = """\
2026-12-02 01:00:00.001 UTC [7] LOG:  duration: 0.050 ms  statement: BEGIN
2026-12-02 01:00:00.002 UTC [7] LOG:  duration: 0.200 ms  bind __asyncpg_stmt_1__: SELECT id
\tFROM cases WHERE tenant_id = $1
2026-12-02 01:00:00.003 UTC [7] LOG:  duration: 1.300 ms  execute __asyncpg_stmt_1__: SELECT id
\tFROM cases WHERE tenant_id = $1
2026-12-02 01:00:00.004 UTC [7] LOG:  checkpoint starting: time
2026-12-02 01:00:00.005 UTC [7] LOG:  duration: 0.100 ms  statement: COMMIT
"""


def test_logged_durations_are_summed_per_statement_after_the_offset(tmp_path):
    log = tmp_path / "log"
    log.write_text("2026-12-02 00:59:59.000 UTC [7] LOG:  duration: 9.0 ms  statement: OLD\n")
    offset = statements.log_offset(log)
    with log.open("a") as handle:
        handle.write(LOG)

    times = statements.read_times(log, offset)

    query = "SELECT id FROM cases WHERE tenant_id = $1"
    assert times.milliseconds == {"BEGIN": 0.05, query: 1.5, "COMMIT": 0.1}
    assert times.executions == {"BEGIN": 1, query: 1, "COMMIT": 1}
    lines = statements.report(times, requests=1)
    assert lines[0].startswith("PostgreSQL by statement: 1.65 ms a request")
    assert query in lines[1]
    columns = ", ".join(f"cases.column_{n}" for n in range(40))
    long = f"SELECT {columns} FROM cases WHERE cases.id = $1"
    assert statements.shortened(long).endswith("… FROM cases WHERE cases.id = $1")


def _referral(n: int, **node) -> dict:
    return {
        "node": {
            "rowId": str(n),
            "tenantByTenantId": {"name": "Jobcenter Bench 0"},
            "clientByTenantIdAndClientId": {"familyName": "Fischer"},
            "caseByTenantIdAndCaseId": {"assessmentEntriesByTenantIdAndCaseId": {"nodes": []}},
            **node,
        }
    }


def test_the_peers_w2_answer_is_checked_for_its_shape():
    def answer(edges):
        return {"data": {"allReferrals": {"edges": edges}}}

    assert peer.partner_referrals_shape(answer([_referral(n) for n in range(20)]), 20) is None
    assert peer.partner_referrals_shape(answer([]), 20) == "0 referrals, not 20"
    no_client = [_referral(0, clientByTenantIdAndClientId=None)]
    assert "without its jobcenter or client" in peer.partner_referrals_shape(answer(no_client), 1)
    assert peer.partner_referrals_shape({"errors": [{"message": "x"}]}, 20) == "0 referrals, not 20"


def _run(target: str, rps: float, **more) -> dict:
    return {
        "workload": "W2 referrals:20",
        "target": target,
        "concurrency": 16,
        "rps": rps,
        "p50_ms": 10.0,
        "p95_ms": 20.0,
        "p99_ms": 30.0,
        "errors": 0,
        "round_trips": None,
        "note": "",
        "server_cpu": 1.0,
        "database_cpu": 0.5,
        "wrk_cpu": 0.1,
        "machine_cpu": 1.9,
        **more,
    }


def test_the_table_gives_every_run_its_ratios_and_cpu_per_request():
    summary = {
        "date": "2026-12-02T01:00:00+00:00",
        "scale": 0.1,
        "workers": 2,
        "rows": {"clients": 10, "referrals": 30, "consents": 50, "audit_entries": 100},
        "results": [
            _run("service (compiled)", 100.0, round_trips=2.0),
            _run("service (generic)", 50.0, round_trips=10.0),
            _run("floor", 200.0, note="rt 13 (floor.py)"),
            _run("peer", 400.0),
        ],
        "profiles": {
            "W2 service (compiled)": {
                "samples": 10,
                "policy": 0.1,
                "audit": 0.2,
                "parts": {"graphql-core": 0.5, "audit": 0.2, "policy": 0.1},
            }
        },
        "statements": {"W2 service (compiled), PostgreSQL by statement at c=1": ["  0.1 ms BEGIN"]},
        "audit_bytes_per_field_read": 14.3,
    }

    lines = report.table(summary).splitlines()

    compiled = next(line for line in lines if "| service (compiled) |" in line)
    # × floor 0.50, × peer 0.25, server CPU 1.00 cores = 10 ms a request, PG 0.50 = 5 ms
    assert "| 2.0 | 0.50 | 0.25 | 1.00 | 0.50 | 10.00 | 5.00 |" in compiled
    assert "| 30.0 |" in compiled  # p99
    assert any("cannot mask a field by consent" in line for line in lines)
    assert any(line.startswith("W2 service (compiled) CPU split") for line in lines)
    assert lines[-1].endswith("14.3")


def test_the_table_says_whether_audit_verify_passed_after_the_run():
    passed = {
        "exit_code": 0,
        "chains": [
            "tenant 0b3c…: 120 records checked, intact",
            "tenant 7d1e…: 80 records checked, intact",
        ],
        "records_checked": 200,
        "seconds": 1.5,
    }
    broken = {
        "exit_code": 1,
        "chains": [
            "tenant 0b3c…: 120 records checked, intact",
            "tenant 7d1e…: 3 records checked, BROKEN at record 4: lane 0: content does not"
            " match its hash",
        ],
        "records_checked": 123,
        "seconds": 0.4,
    }

    assert report._verify_line(passed) == (
        "service audit verify after the run: passed, 2 of 2 jobcenters' chains intact,"
        " 200 records checked in 1.5 s"
    )
    failed = report._verify_line(broken).splitlines()
    assert failed[0].startswith("service audit verify after the run: FAILED (exit 1), 1 of 2")
    assert failed[1:] == ["  " + broken["chains"][1]]


def test_audit_verify_counts_the_records_each_chain_checked():
    assert bench_main._records_checked("tenant abc: 1,2 records checked, intact") == 0
    assert bench_main._records_checked("tenant abc: 120 records checked, intact") == 120
    assert bench_main._records_checked("no records") == 0


# 455 entries: 46 links of ten entries, the last of five, over three jobcenters (16, 15, 15).
CHAINED = Sizes(
    tenants=3,
    clients=60,
    referrals=40,
    consents=60,
    audit=455,
    subject_records=20,
    partners=3,
    assessment_per_case=1,
)


@pytest.fixture
async def generated(server_url):
    """An owner's connection to a scratch database holding CHAINED's data."""
    name = f"casework_bench_chain_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(server_url, name)
    try:
        await upgrade_to_head(url)
        await generate(connect_kwargs(url), CHAINED, now=datetime.now(UTC), say=lambda _: None)
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.connect() as owner:
                yield owner
        finally:
            await engine.dispose()
    finally:
        await drop_database(server_url, name)


def _case_list_read(tenant: uuid.UUID) -> list[AuditEvent]:
    """A request of the history's kind (client 0 and its case, staff 0.0), with one field the
    generated dictionary lacks (a new code for audit_append to add)."""
    client = bench_id("client", 0)
    head = {
        "tenant_id": tenant,
        "occurred_at": datetime.now(UTC),
        "request_id": uuid.uuid4(),
        "operation": "CaseList",
        "action": AuditAction.READ,
        "actor_kind": "staff",
        "actor_id": bench_id("staff", "0.0"),
        "actor_organisation_id": None,
        "subject_id": client,
        "basis": AUDIT_BASIS,
    }
    return [
        AuditEvent(**head, object_type="client", object_id=client, fields=("givenName",)),
        AuditEvent(
            **head, object_type="case", object_id=bench_id("case", 0), fields=("status", "closedOn")
        ),
    ]


async def test_the_generated_audit_history_is_a_chain_that_verifies_and_continues(generated):
    tenants = [bench_id("tenant", t) for t in range(CHAINED.tenants)]

    reports = {r.tenant_id: r for r in await verify_all(generated)}

    assert set(reports) == set(tenants)
    assert all(r.intact for r in reports.values()), [r.problem for r in reports.values()]
    assert [reports[t].records_checked for t in tenants] == [16, 15, 15]
    heads = await generated.execute(text("SELECT tenant_id, lane, seq FROM audit_chain_heads"))
    assert sorted(tuple(row) for row in heads) == sorted(
        zip(tenants, [0, 0, 0], [16, 15, 15], strict=True)
    )

    # What the bench run records goes through audit_append: onto lane 0, after the history.
    assert await append(generated, _case_list_read(tenants[0])) == 2
    await generated.commit()
    lane_of_the_next = await generated.scalar(
        text("SELECT lane FROM audit_requests WHERE tenant_id = :t AND seq = 17"),
        {"t": tenants[0]},
    )
    reports = {r.tenant_id: r for r in await verify_all(generated)}

    assert lane_of_the_next == 0
    assert all(r.intact for r in reports.values()), [r.problem for r in reports.values()]
    assert [reports[t].records_checked for t in tenants] == [17, 15, 15]
