"""The peer: PostGraphile 5 with Node 22, both from the npm registry into bench/.peer/ (ignored,
never committed), over the bench database with tenant isolation by row-level security
(bench/peer/graphile.config.mjs)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from bench.datagen import bench_id, org_slug, tenant_slug

BENCH = Path(__file__).resolve().parent
PEER_DIR = BENCH / ".peer"
NODE = PEER_DIR / "node_modules" / ".bin" / "node"
CLI = PEER_DIR / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
PACKAGES = ["postgraphile@5", "node@22"]


def install(say=print) -> None:
    if NODE.exists() and CLI.exists():
        return
    PEER_DIR.mkdir(exist_ok=True)
    manifest = PEER_DIR / "package.json"
    if not manifest.exists():
        manifest.write_text(json.dumps({"name": "bench-peer", "private": True}))
    say(f"peer: npm install {' '.join(PACKAGES)} into bench/.peer/")
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", *PACKAGES],
        cwd=PEER_DIR,
        check=True,
    )


def start(
    *,
    socket_dir: str,
    database: str,
    port: int,
    public_key: Path,
    tenants: int,
    partners: int,
    log: Path,
) -> subprocess.Popen:
    shutil.copy(BENCH / "peer" / "graphile.config.mjs", PEER_DIR / "graphile.config.mjs")
    env = {
        **os.environ,
        "NODE_ENV": "production",
        "BENCH_PEER_DB": f"postgres://postgres@localhost/{database}?host={socket_dir}",
        "BENCH_PEER_PORT": str(port),
        "BENCH_PUBLIC_KEY": str(public_key),
        "BENCH_TENANTS": json.dumps(
            {tenant_slug(t): str(bench_id("tenant", t)) for t in range(tenants)}
        ),
        "BENCH_ORGANISATIONS": json.dumps(
            {org_slug(p): str(bench_id("org", p)) for p in range(partners)}
        ),
    }
    return subprocess.Popen(
        [str(NODE), str(CLI)],
        cwd=PEER_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


# W1's shape: a case manager's 50 cases with the client's name and the responsible case
# manager. PostGraphile has no field authorization and no audit; `condition` stands in for the
# service's "my cases" filter (without the deputy cases), `reviewOverdue` has no column.
def case_list_body(manager_id: str, first: int = 50) -> dict:
    query = """
query CaseList($first: Int!, $manager: UUID!) {
  allCases(first: $first, condition: {responsibleCaseManagerId: $manager},
           orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) {
    edges { node {
      rowId status profile careVariant admittedOn nextReviewDue closedOn version
      staffUserByTenantIdAndResponsibleCaseManagerId { displayName }
      clientByTenantIdAndClientId { rowId givenName familyName customerNumber dateOfBirth }
    } }
    pageInfo { hasNextPage endCursor }
  }
}"""
    return {"query": query, "variables": {"first": first, "manager": manager_id}}


# W2's shape: the partner's 20 latest referrals with the jobcenter, the client's columns and the
# case's current assessment entries, under the partner's RLS path (graphile.config.mjs). RLS
# confines rows, not fields: PostGraphile answers every client column and every entry, health
# included, where the service masks by the referral's consent (FORBIDDEN paths) — less work.
PARTNER_REFERRALS = """
query PartnerReferrals {
  allReferrals(first: 20, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) {
    edges { node {
      rowId serviceCategory purpose status firstReportDue createdAt
      tenantByTenantId { name }
      clientByTenantIdAndClientId { givenName familyName dateOfBirth phone email householdSize }
      caseByTenantIdAndCaseId {
        assessmentEntriesByTenantIdAndCaseId(
          condition: {supersededAt: null}, orderBy: [UPDATED_AT_ASC, ROW_ID_ASC]
        ) { nodes { category subject detail } }
      }
    } }
  }
}"""


def partner_referrals_body() -> dict:
    return {"query": PARTNER_REFERRALS}


def partner_referrals_shape(answer: dict, expected: int) -> str | None:
    """What is wrong with the peer's W2 answer (None: right): the partner's referrals, each with
    its jobcenter, client and assessment (a harness that answers less must not be timed)."""
    edges = ((answer.get("data") or {}).get("allReferrals") or {}).get("edges") or []
    if len(edges) != expected:
        return f"{len(edges)} referrals, not {expected}"
    for edge in edges:
        node = edge["node"]
        client = node.get("clientByTenantIdAndClientId") or {}
        case = node.get("caseByTenantIdAndCaseId") or {}
        if not (node.get("tenantByTenantId") or {}).get("name") or not client.get("familyName"):
            return f"referral {node.get('rowId')} without its jobcenter or client"
        if "nodes" not in (case.get("assessmentEntriesByTenantIdAndCaseId") or {}):
            return f"referral {node.get('rowId')} without its case's assessment"
    return None
