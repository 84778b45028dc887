"""The workloads of issue 8 as HTTP requests: GraphQL documents, the users that send them (with
real signed tokens) and their variables. The same requests go to wrk (bench/load.py) and to the
in-process smoke (tests/bench/)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from bench.datagen import (
    W2_PARTNER,
    Sizes,
    bench_id,
    case_manager_subject,
    dpo_subject,
    org_slug,
    partner_subject,
    tenant_slug,
)
from service.identity.tokens import SigningKey, load_or_create_dev_key, token_claims

ISSUER = "https://idp.bench.invalid/realms/jobcenter"
AUDIENCE = "casework-api"
TOKEN_LIFETIME = 4 * 3600

# W1: a case manager's case list, 12 fields a case (the client's name, status, responsible case
# manager, next review, …).
CASE_LIST = """
query CaseList($first: Int!) {
  cases(first: $first) {
    edges { node {
      id status profile careVariant admittedOn nextReviewDue reviewOverdue version
      responsibleCaseManager { displayName }
      client { id givenName familyName customerNumber dateOfBirth }
    } }
    pageInfo { hasNextPage endCursor }
  }
}"""
CASE_LIST_FIELDS = 12

# W2: a partner working with every jobcenter lists its referrals: referral data, the consented
# client fields and the consented assessment; health is never consented (FORBIDDEN), and each
# consent covers a different scope, some are expired or revoked.
PARTNER_REFERRALS = """
query PartnerReferrals {
  referrals(first: 20) {
    edges { node {
      id serviceCategory purpose status firstReportDue createdAt
      jobcenter { name }
      client { givenName familyName dateOfBirth phone email householdSize }
      case { assessment {
        finances { subject detail }
        housing { subject }
        health { subject }
      } }
    } }
  }
}"""

REPORT_PROGRESS = """
mutation ReportProgress($input: ReportProgressInput!) {
  reportProgress(input: $input) { referral { id version } errors { code } }
}"""

ADD_ACTIVITY = """
mutation AddActivity($input: AddActivityInput!) {
  addActivity(input: $input) { case { id version } errors { code } }
}"""

ACCESS_REPORT = """
query AccessReport($clientId: ID!, $from: DateTime!, $to: DateTime!) {
  accessReport(clientId: $clientId, from: $from, to: $to, first: 20) {
    clientName jobcenter
    readers { kind person organisation
      occasions { at action operation basis objects reads { category fields } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


@dataclass
class Request:
    token: str
    body: dict

    @property
    def json(self) -> str:
        return json.dumps(self.body)


@dataclass
class Workload:
    name: str
    title: str
    requests: list[Request] = field(default_factory=list)


def bench_key(data_dir: Path) -> SigningKey:
    return load_or_create_dev_key(data_dir / "bench-idp-key.pem")


def write_public_key(key: SigningKey, path: Path) -> Path:
    path.write_bytes(
        key.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return path


def _token(key: SigningKey, subject: str, roles: list[str], **where: str) -> str:
    return key.sign(
        token_claims(
            issuer=ISSUER,
            audience=AUDIENCE,
            subject=subject,
            roles=roles,
            lifetime_seconds=TOKEN_LIFETIME,
            **where,
        )
    )


def case_manager_token(key: SigningKey, tenant: int = 0, manager: int = 0) -> str:
    return _token(
        key,
        case_manager_subject(tenant, manager),
        ["case_manager"],
        tenant_slug=tenant_slug(tenant),
    )


def partner_token(key: SigningKey, partner: int = W2_PARTNER) -> str:
    return _token(
        key, partner_subject(partner), ["partner_counsellor"], organisation_slug=org_slug(partner)
    )


def dpo_token(key: SigningKey, tenant: int = 0) -> str:
    return _token(
        key, dpo_subject(tenant), ["data_protection_officer"], tenant_slug=tenant_slug(tenant)
    )


def own_clients(sizes: Sizes, tenant: int = 0, manager: int = 0) -> list[int]:
    """Client numbers whose case manager is `manager` of `tenant` (datagen's assignment)."""
    T, M = sizes.tenants, sizes.case_managers
    return [n for n in range(tenant, sizes.clients, T) if (n // T) % M == manager]


def w1(key: SigningKey, first: int = 50) -> Workload:
    body = {"query": CASE_LIST, "operationName": "CaseList", "variables": {"first": first}}
    return Workload(
        f"W1 first:{first}",
        f"staff case list, {first} cases",
        [Request(case_manager_token(key), body)],
    )


def w2(key: SigningKey) -> Workload:
    body = {"query": PARTNER_REFERRALS, "operationName": "PartnerReferrals"}
    return Workload("W2", "partner referrals, 20", [Request(partner_token(key), body)])


def w3(key: SigningKey, sizes: Sizes, now: datetime, count: int = 200) -> Workload:
    """Alternating reportProgress (the W2 partner, on its referrals in progress) and
    addActivity (a case manager, on the goals of their admitted cases)."""
    partner = partner_token(key)
    manager = case_manager_token(key)
    referrals = [r for r in range(0, sizes.referrals, 10)][-count:]  # the W2 partner's
    goals = [n for n in own_clients(sizes) if n % 10 not in (0, 1)][:count]
    today = now.astimezone(UTC).date()
    requests: list[Request] = []
    for i in range(max(len(referrals), len(goals))):
        if i < len(referrals):
            requests.append(
                Request(
                    partner,
                    {
                        "query": REPORT_PROGRESS,
                        "operationName": "ReportProgress",
                        "variables": {
                            "input": {
                                "referralId": str(bench_id("referral", referrals[i])),
                                "reportedOn": today.isoformat(),
                                "attendance": "ATTENDED",
                                "text": "Termin wahrgenommen, Unterlagen gesichtet.",
                            }
                        },
                    },
                )
            )
        if i < len(goals):
            requests.append(
                Request(
                    manager,
                    {
                        "query": ADD_ACTIVITY,
                        "operationName": "AddActivity",
                        "variables": {
                            "input": {
                                "parentId": str(bench_id("goal", goals[i])),
                                "title": "Unterlagen für die Schuldnerberatung sammeln",
                                "responsible": "CLIENT",
                                "targetDate": (today + timedelta(days=30)).isoformat(),
                            }
                        },
                    },
                )
            )
    return Workload("W3", "writes: reportProgress + addActivity", requests)


def w4(key: SigningKey, now: datetime) -> Workload:
    body = {
        "query": ACCESS_REPORT,
        "operationName": "AccessReport",
        "variables": {
            "clientId": str(bench_id("client", 0)),
            "from": "2026-01-01T00:00:00Z",
            "to": now.astimezone(UTC).isoformat(),
        },
    }
    return Workload("W4", "Auskunft, 10,000 of the records", [Request(dpo_token(key), body)])


def today() -> date:
    return datetime.now(UTC).date()
