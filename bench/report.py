"""The table `make bench` prints (and RESULTS.md keeps): every run with its ratios to the floor and
the peer, p99, the CPU of the server, of PostgreSQL and of wrk, per second and per request; then
the CPU split of a request and the audit's bytes per field read."""

from __future__ import annotations

from bench.targets import FLOOR, PEER

HEADER = (
    "| workload | server | conc | req/s | p50 ms | p95 ms | p99 ms | errors | DB round trips/req"
    " | × floor | × peer | server CPU | PG CPU | server CPU ms/req | PG CPU ms/req | wrk CPU"
    " | machine CPU |"
)
NOTES = [
    "Notes: server and PG CPU are cores busy on average during the run (the server's process"
    " tree, the postmaster with its children, from /proc); ms/req is that CPU over the requests"
    " answered. The peer answers W2 under the partner's row-level security but cannot mask a"
    " field by consent: it returns every client column and assessment entry (health included)"
    " that the service withholds as FORBIDDEN, and records nothing.",
]


def table(summary: dict) -> str:
    rows = summary["results"]
    counted = summary["rows"]
    lines = [
        f"casework benchmark {summary['date']}  scale {summary['scale']:g}"
        f"  workers {summary.get('workers', 1)}"
        f"  ({counted['clients']:,} clients, {counted['referrals']:,} referrals,"
        f" {counted['consents']:,} consents, {counted['audit_entries']:,} audit records)",
        "",
        HEADER,
        "| --- | --- |" + " ---: |" * 15,
    ]
    lines += [_row(r, rows) for r in rows]
    lines += ["", *NOTES, ""]
    for label, split in summary["profiles"].items():
        lines.append(_split_line(label, split))
    for label, statements in summary.get("statements", {}).items():
        lines.append("")
        lines.append(f"{label}:")
        lines += statements
    per_field = summary["audit_bytes_per_field_read"]
    lines.append("")
    lines.append(
        "audit bytes per field read (this run's partition, table + indexes): "
        + (f"{per_field:.1f}" if per_field else "n/a")
    )
    verified = summary.get("audit_verify")
    if verified is not None:
        lines.append(_verify_line(verified))
    return "\n".join(lines)


def _verify_line(verified: dict) -> str:
    chains = verified["chains"]
    intact = sum(line.endswith(", intact") for line in chains)
    outcome = "passed" if verified["exit_code"] == 0 else f"FAILED (exit {verified['exit_code']})"
    line = (
        f"service audit verify after the run: {outcome}, {intact} of {len(chains)} jobcenters'"
        f" chains intact, {verified['records_checked']:,} records checked"
        f" in {verified['seconds']:g} s"
    )
    broken = [chain for chain in chains if not chain.endswith(", intact")]
    return "\n".join([line, *(f"  {chain}" for chain in broken)])


def _find(rows: list[dict], workload: str, target: str, conc: int) -> dict | None:
    return next(
        (
            r
            for r in rows
            if r["workload"] == workload and r["target"] == target and r["concurrency"] == conc
        ),
        None,
    )


def _ratio(row: dict, other: dict | None) -> str:
    if other is None or not other["rps"] or other is row:
        return ""
    return f"{row['rps'] / other['rps']:.2f}"


def _per_request(cores: float, row: dict) -> str:
    return f"{cores / row['rps'] * 1000:.2f}" if row["rps"] else ""


def _row(r: dict, rows: list[dict]) -> str:
    floor = _find(rows, r["workload"], FLOOR, r["concurrency"])
    peer = _find(rows, r["workload"], PEER, r["concurrency"])
    trips = (
        f"{r['round_trips']:.1f}"
        if r["round_trips"] is not None
        else (r["note"].split(" ")[1] if r["note"].startswith("rt ") else "n/a")
    )
    database = r.get("database_cpu", 0.0)
    return (
        f"| {r['workload']} | {r['target']} | {r['concurrency']} | {r['rps']:.1f} |"
        f" {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |"
        f" {trips} | {_ratio(r, floor)} | {_ratio(r, peer)} | {r['server_cpu']:.2f} |"
        f" {database:.2f} | {_per_request(r['server_cpu'], r)} | {_per_request(database, r)} |"
        f" {r['wrk_cpu']:.2f} | {r['machine_cpu']:.2f} |"
    )


def _split_line(label: str, split: dict) -> str:
    parts = ", ".join(f"{part} {share:.1%}" for part, share in split["parts"].items())
    return (
        f"{label} CPU split (py-spy, the service's processes, {split['samples']} samples): {parts};"
        f" policy and audit together {split['policy'] + split['audit']:.1%}"
    )
