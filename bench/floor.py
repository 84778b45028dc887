"""The floor: W1 and W2 by plain asyncpg in one uvicorn process, no GraphQL — the same token
check, the same statements in one transaction as the app role under row-level security (the
SQL the service sends, logged by `BENCH_LOG_SQL=1 python -m bench.serve`), the same audit
records through `audit_append`, and the partner's field rule as a plain Python set lookup. What
no GraphQL layer over this schema can beat.

    python -m bench.floor --port 8102     (BENCH_APP_DSN, BENCH_PUBLIC_KEY, BENCH_ISSUER)
"""

from __future__ import annotations

import argparse
import json
import os
import uuid
from datetime import UTC, date, datetime

import asyncpg
import jwt
from cryptography.hazmat.primitives import serialization

from service.audit.event import PARAMETERS, AuditAction, AuditEvent, encode

ACTOR_STAFF = (
    "SELECT tenant_id, id, subject, display_name, roles, active, created_at, team_id"
    " FROM staff_users WHERE subject = $1 AND active"
)
ACTOR_PARTNER = (
    "SELECT organisation_id, id, subject, display_name, roles, active, created_at"
    " FROM partner_users WHERE subject = $1 AND active"
)
RESTRICTED = "SELECT client_id FROM client_restrictions WHERE lifted_at IS NULL"
CASES = (
    "SELECT tenant_id, id, client_id, status, responsible_case_manager_id,"
    " deputy_case_manager_id, version, created_at, proposed_by_id, profile, intake_reasoning,"
    " decided_by_id, decided_at, care_variant, decision_reasoning, decline_reason, admitted_on,"
    " next_review_due, closed_on, closing_reason, closing_reasoning, aftercare_until FROM cases"
    " WHERE responsible_case_manager_id = $1 OR deputy_case_manager_id = $1"
    " ORDER BY created_at, id LIMIT $2"
)
CONSENTS = (
    "SELECT c.*, r.revoked_at FROM consents c LEFT JOIN consent_revocations r"
    " ON r.tenant_id = c.tenant_id AND r.consent_id = c.id WHERE c.client_id = ANY($1)"
)
STAFF_BY_ID = "SELECT id, display_name FROM staff_users WHERE id = ANY($1)"
CLIENTS = (
    "SELECT tenant_id, id, customer_number, given_name, family_name, date_of_birth, street,"
    " postal_code, city, phone, email, household_size, children_in_household, login_subject,"
    " active, erased_at, created_at FROM clients WHERE id = ANY($1)"
)
REFERRALS = (
    "SELECT tenant_id, id, case_id, client_id, partner_organisation_id, service_category,"
    " purpose, first_report_due, status, created_by_id, created_at, version FROM referrals"
    " WHERE partner_organisation_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
)
TENANTS = "SELECT id, slug, name, created_at FROM tenants WHERE id = ANY($1)"
CASES_BY_ID = CASES.split(" WHERE ")[0] + " WHERE id = ANY($1)"
ENTRIES = (
    "SELECT tenant_id, id, case_id, kind, category, subcategory, data_category, subject,"
    " detail, recorded_by_id, updated_at, replaces_id, superseded_at FROM assessment_entries"
    " WHERE case_id = ANY($1) ORDER BY updated_at, id"
)
# Each array as a text literal, cast in SQL (service/audit/recorder.py says why).
APPEND = (
    "SELECT audit_append("
    + ", ".join(f"${n}::text::{kind}" for n, (_, kind) in enumerate(PARAMETERS, 1))
    + ")"
)
FINAL_REFERRAL = frozenset({"declined", "completed", "aborted", "no_show"})
BIND = "SELECT set_config('app.tenant_id', $1, true), set_config('app.partner_organisation_id', $2, true)"

CASE_FIELDS = [
    "admittedOn",
    "careVariant",
    "nextReviewDue",
    "profile",
    "responsibleCaseManager",
    "reviewOverdue",
    "status",
    "version",
]
CLIENT_FIELDS = ["customerNumber", "dateOfBirth", "familyName", "givenName"]
CLIENT_W2 = {
    "givenName": "identity",
    "familyName": "identity",
    "dateOfBirth": "identity",
    "phone": "contact",
    "email": "contact",
    "householdSize": "household",
}
COLUMN = {
    "givenName": "given_name",
    "familyName": "family_name",
    "dateOfBirth": "date_of_birth",
    "phone": "phone",
    "email": "email",
    "householdSize": "household_size",
}
W2_ASSESSMENT = {
    "finances": "assessment_finances",
    "housing": "assessment_housing",
    "health": "assessment_health",
}


def _plain(value):
    if isinstance(value, uuid.UUID | datetime | date):
        return value.isoformat() if not isinstance(value, uuid.UUID) else str(value)
    return value


class Floor:
    def __init__(self, dsn: str, public_key: bytes, issuer: str, audience: str) -> None:
        self.dsn = dsn
        self.key = serialization.load_pem_public_key(public_key)
        self.issuer = issuer
        self.audience = audience
        self.pool: asyncpg.Pool | None = None
        self.tenants: dict[str, uuid.UUID] = {}
        self.orgs: dict[str, uuid.UUID] = {}

    async def start(self) -> None:
        self.pool = await asyncpg.create_pool(self.dsn, min_size=10, max_size=10)
        async with self.pool.acquire() as conn:
            self.tenants = {
                r["slug"]: r["id"] for r in await conn.fetch("SELECT slug, id FROM tenants")
            }
            self.orgs = {
                r["slug"]: r["id"]
                for r in await conn.fetch("SELECT slug, id FROM partner_organisations")
            }

    def claims(self, headers: dict[bytes, bytes]) -> dict:
        token = headers.get(b"authorization", b"").decode().removeprefix("Bearer ")
        return jwt.decode(
            token, self.key, algorithms=["RS256"], audience=self.audience, issuer=self.issuer
        )

    async def case_list(self, claims: dict, first: int) -> dict:
        now = datetime.now(UTC)
        tenant = self.tenants[claims["tenant"]]
        request_id = str(uuid.uuid4())
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(BIND, str(tenant), "")
            actor = await conn.fetchrow(ACTOR_STAFF, claims["sub"])
            restricted = {r[0] for r in await conn.fetch(RESTRICTED)}
            cases = await conn.fetch(CASES, actor["id"], first + 1)
            cases = cases[:first]
            client_ids = [c["client_id"] for c in cases]
            consents = await conn.fetch(CONSENTS, client_ids)
            staff = {
                r["id"]: r["display_name"]
                for r in await conn.fetch(
                    STAFF_BY_ID, list({c["responsible_case_manager_id"] for c in cases})
                )
            }
            clients = {r["id"]: r for r in await conn.fetch(CLIENTS, client_ids)}
            deputy = {
                c["client_id"]
                for c in consents
                if c["purpose"] == "deputy" and c["deputy_id"] == actor["id"]
            }
            edges, events = [], []
            for case in cases:
                if case["client_id"] in restricted:
                    continue
                client = clients[case["client_id"]]
                basis = (
                    "responsible_case_manager+same_jobcenter"
                    if case["responsible_case_manager_id"] == actor["id"]
                    else f"deputy:{case['client_id'] in deputy}"
                )
                due = case["next_review_due"]
                edges.append(
                    {
                        "node": {
                            "id": str(case["id"]),
                            "status": case["status"].upper(),
                            "profile": (case["profile"] or "").upper() or None,
                            "careVariant": (case["care_variant"] or "").upper() or None,
                            "admittedOn": _plain(case["admitted_on"]),
                            "nextReviewDue": _plain(due),
                            "reviewOverdue": case["status"] == "admitted"
                            and due is not None
                            and due < now.date(),
                            "version": case["version"],
                            "responsibleCaseManager": {
                                "displayName": staff.get(case["responsible_case_manager_id"])
                            },
                            "client": {
                                "id": str(client["id"]),
                                "givenName": client["given_name"],
                                "familyName": client["family_name"],
                                "customerNumber": client["customer_number"],
                                "dateOfBirth": _plain(client["date_of_birth"]),
                            },
                        }
                    }
                )
                for kind, oid, fields in (
                    ("case", case["id"], CASE_FIELDS),
                    ("client", client["id"], CLIENT_FIELDS),
                ):
                    events.append(
                        _event(
                            tenant,
                            now,
                            request_id,
                            "CaseList",
                            "staff",
                            actor["id"],
                            None,
                            case["client_id"],
                            kind,
                            oid,
                            fields,
                            basis,
                        )
                    )
            await conn.fetchval(APPEND, *_arguments(events))
        return {"data": {"cases": {"edges": edges}}}

    async def partner_referrals(self, claims: dict) -> dict:
        now = datetime.now(UTC)
        org = self.orgs[claims["org"]]
        request_id = str(uuid.uuid4())
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(BIND, "", str(org))
            actor = await conn.fetchrow(ACTOR_PARTNER, claims["sub"])
            restricted = {r[0] for r in await conn.fetch(RESTRICTED)}
            referrals = (await conn.fetch(REFERRALS, org, 21))[:20]
            consents = await conn.fetch(CONSENTS, [r["client_id"] for r in referrals])
            tenants = {
                r["id"]: r["name"]
                for r in await conn.fetch(TENANTS, list({r["tenant_id"] for r in referrals}))
            }
            clients = {
                r["id"]: r
                for r in await conn.fetch(CLIENTS, list({r["client_id"] for r in referrals}))
            }
            case_status = {
                r["id"]: r["status"]
                for r in await conn.fetch(CASES_BY_ID, list({r["case_id"] for r in referrals}))
            }
            entries = await conn.fetch(ENTRIES, list({r["case_id"] for r in referrals}))
            # the field rule: an active TO_PARTNER consent for this referral and organisation
            scope: dict[uuid.UUID, tuple[uuid.UUID, frozenset[str]]] = {}
            for c in consents:
                active = (
                    c["valid_from"] <= now
                    and (c["valid_until"] is None or now < c["valid_until"])
                    and c["revoked_at"] is None
                )
                if (
                    active
                    and c["purpose"] == "referral"
                    and c["direction"] == "to_partner"
                    and c["grantee_organisation_id"] == org
                ):
                    scope[c["referral_id"]] = (c["id"], frozenset(c["categories"]))
            by_case: dict[uuid.UUID, list] = {}
            for e in entries:
                by_case.setdefault(e["case_id"], []).append(e)
            edges, events, errors = [], [], 0
            for ref in referrals:
                if ref["client_id"] in restricted:
                    continue
                consent_id, categories = scope.get(ref["id"], (None, frozenset()))
                if ref["status"] in FINAL_REFERRAL or case_status[ref["case_id"]] == "closed":
                    categories = frozenset()  # the purpose has ended (policies.polar)
                basis = f"consent:{consent_id}"
                client = clients[ref["client_id"]]
                node = {
                    "id": str(ref["id"]),
                    "serviceCategory": ref["service_category"].upper(),
                    "purpose": ref["purpose"],
                    "status": ref["status"].upper(),
                    "firstReportDue": _plain(ref["first_report_due"]),
                    "createdAt": _plain(ref["created_at"]),
                    "jobcenter": {"name": tenants[ref["tenant_id"]]},
                }
                events.append(
                    _event(
                        ref["tenant_id"],
                        now,
                        request_id,
                        "PartnerReferrals",
                        "partner",
                        actor["id"],
                        org,
                        ref["client_id"],
                        "referral",
                        ref["id"],
                        ["createdAt", "firstReportDue", "purpose", "serviceCategory", "status"],
                        "referral_recipient",
                    )
                )
                shown = {}
                for name, category in CLIENT_W2.items():
                    if category in categories:
                        shown[name] = _plain(client[COLUMN[name]])
                    else:
                        shown[name] = None
                        errors += 1
                node["client"] = shown
                read = sorted(n for n, v in CLIENT_W2.items() if v in categories)
                if read:
                    events.append(
                        _event(
                            ref["tenant_id"],
                            now,
                            request_id,
                            "PartnerReferrals",
                            "partner",
                            actor["id"],
                            org,
                            ref["client_id"],
                            "client",
                            ref["client_id"],
                            read,
                            basis,
                        )
                    )
                assessment = {}
                for name, category in W2_ASSESSMENT.items():
                    if category not in categories:
                        assessment[name] = None
                        errors += 1
                        continue
                    rows = [
                        e
                        for e in by_case.get(ref["case_id"], ())
                        if e["data_category"] == category and e["superseded_at"] is None
                    ]
                    assessment[name] = [
                        {"subject": e["subject"], "detail": e["detail"]} for e in rows
                    ]
                    for e in rows:
                        events.append(
                            _event(
                                ref["tenant_id"],
                                now,
                                request_id,
                                "PartnerReferrals",
                                "partner",
                                actor["id"],
                                org,
                                ref["client_id"],
                                "assessment_entry",
                                e["id"],
                                ["detail", "subject"],
                                basis,
                            )
                        )
                node["case"] = {"assessment": assessment}
                edges.append({"node": node})
            await conn.fetchval(APPEND, *_arguments(events))
        return {"data": {"referrals": {"edges": edges}}, "forbidden": errors}


def _arguments(events: list[AuditEvent]) -> list[str]:
    encoded = encode([events])
    return [encoded[name] for name, _ in PARAMETERS]


def _event(
    tenant,
    now,
    request_id,
    operation,
    kind,
    actor_id,
    org,
    subject,
    object_type,
    object_id,
    fields,
    basis,
) -> AuditEvent:
    return AuditEvent(
        tenant_id=tenant,
        occurred_at=now,
        request_id=uuid.UUID(request_id),
        operation=operation,
        action=AuditAction.READ,
        actor_kind=kind,
        actor_id=actor_id,
        actor_organisation_id=org or None,
        subject_id=subject,
        object_type=object_type,
        object_id=object_id,
        fields=tuple(sorted(fields)),
        basis=basis[:100],
    )


def make_app(floor: Floor):
    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await floor.start()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await floor.pool.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        status, payload = 200, None
        try:
            claims = floor.claims(dict(scope["headers"]))
            if scope["path"] == "/w1":
                first = json.loads(body or b"{}").get("first", 50)
                payload = await floor.case_list(claims, first)
            elif scope["path"] == "/w2":
                payload = await floor.partner_referrals(claims)
            else:
                status, payload = 404, {"error": "no such workload"}
        except jwt.PyJWTError:
            status, payload = 401, {"error": "unauthenticated"}
        data = json.dumps(payload).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": data})

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    import uvicorn

    floor = Floor(
        os.environ["BENCH_APP_DSN"],
        open(os.environ["BENCH_PUBLIC_KEY"], "rb").read(),
        os.environ["BENCH_ISSUER"],
        os.environ.get("BENCH_AUDIENCE", "casework-api"),
    )
    uvicorn.run(
        make_app(floor), host="127.0.0.1", port=args.port, log_level="warning", access_log=False
    )


if __name__ == "__main__":
    main()
