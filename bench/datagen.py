"""Benchmark data, generated straight in PostgreSQL with set-based SQL (generate_series and
INSERT … SELECT), as the database owner, into a database migrated by the service's own migrations.

Every id is `md5('<kind>:<n>')::uuid`, so Python (`bench_id`) knows the ids of users, cases and
referrals without asking the database. The shape:

- tenant t = 0..T-1; client n belongs to tenant n % T and has one case; its responsible case
  manager is number (n // T) % M of that tenant (M = clients per tenant / CASELOAD, at least 1);
  every second client has a deputy case manager and a deputy consent;
- each case has `assessment_per_case` assessment entries (rotating sub-categories, so finances,
  housing, health and addiction all occur) and a goal, a sub-goal and an activity;
- partner organisation 0 (the W2 partner) is in every jobcenter's network and gets every tenth
  referral; each referral has its own TO_PARTNER consent (60 % active, 25 % expired, 15 %
  revoked); the remaining consents are deputy consents and TO_JOBCENTER report consents;
- the audit history: `audit` entries, ten a request (`audit_requests` links), written raw as the
  owner (not through `audit_append`), but hashed in order as a valid chain in each jobcenter's
  lane 0, with its head, so that `service audit verify` passes after a bench run and the
  benchmark's own records chain on; client 0 is the subject of `subject_records` of them,
  spread over the whole period; the history ends before the current month, so the current
  month's partition holds only what the benchmark itself records.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta

import asyncpg

import service.tables  # noqa: F401  (every model, for reached_tables)
from service.tenants.reach import reached_tables, reached_through

CASELOAD = 120  # cases per case manager; more than the guideline of 75, as in practice
W2_PARTNER = 0
HISTORY_FIRST_MONTH = datetime(2026, 1, 1, tzinfo=UTC)  # the first audit partition

SUBCATEGORIES = [  # (sub-category, assessment category, data category, subject)
    ("debts", "circumstances", "assessment_finances", "Mietschulden und Konsumkredit"),
    ("housing", "circumstances", "assessment_housing", "Wohnung gekündigt"),
    ("addiction", "capacity", "assessment_addiction", "Alkoholkonsum"),
    ("vocational_training", "qualification", "assessment_qualification", "Ausbildung fehlt"),
    ("mobility", "circumstances", "assessment_circumstances", "Kein Führerschein"),
    ("mental_capacity", "capacity", "assessment_health", "Belastungsstörung"),
]
CONSENT_SCOPES = [
    ["identity", "contact", "assessment_finances"],
    ["identity", "household"],
    ["identity", "contact", "household", "assessment_finances", "assessment_housing"],
]
GIVEN = ["Anna", "Ben", "Clara", "Deniz", "Emil", "Fatma", "Georg", "Hanna", "Ilias", "Jana"]
FAMILY = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"]


@dataclass(frozen=True)
class Sizes:
    tenants: int = 20
    clients: int = 100_000
    referrals: int = 300_000
    consents: int = 500_000
    audit: int = 10_000_000
    subject_records: int = 10_000  # audit records about the W4 client
    partners: int = 30
    assessment_per_case: int = 3

    def scaled(self, scale: float) -> Sizes:
        if scale == 1:
            return self

        def s(value: int, least: int) -> int:
            return max(least, round(value * scale))

        return replace(
            self,
            tenants=s(self.tenants, 2),
            clients=s(self.clients, 40),
            referrals=s(self.referrals, 40),
            consents=s(self.consents, 60),
            audit=s(self.audit, 200),
            subject_records=s(self.subject_records, 20),
            partners=min(self.partners, s(self.partners, 3)),
        )

    @property
    def case_managers(self) -> int:
        """Case managers per jobcenter."""
        return max(1, math.ceil(self.clients / self.tenants / CASELOAD))


def bench_id(kind: str, n: int | str) -> uuid.UUID:
    return uuid.UUID(hashlib.md5(f"{kind}:{n}".encode()).hexdigest())


def tenant_slug(t: int) -> str:
    return f"jc-bench-{t:02d}"


def org_slug(p: int) -> str:
    return f"partner-bench-{p:02d}"


def case_manager_subject(t: int, m: int) -> str:
    return f"fm.{t:02d}.{m:03d}"


def dpo_subject(t: int) -> str:
    return f"dsb.{t:02d}"


def partner_subject(p: int) -> str:
    return f"pb.{p:02d}"


def history_window(now: datetime) -> tuple[datetime, datetime]:
    """[start, end): the audit history, ending where the current month begins."""
    end = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if end <= HISTORY_FIRST_MONTH:
        raise RuntimeError("the audit history needs at least one past month's partition")
    return HISTORY_FIRST_MONTH, end


# md5-based ids, the same as bench_id()
def _id(kind: str, expr: str) -> str:
    return f"md5('{kind}:' || ({expr})::text)::uuid"


def _statements(z: Sizes, now: datetime) -> list[tuple[str, str]]:
    T, C, M = z.tenants, z.clients, z.case_managers
    tenant_of = f"(n % {T})"
    cm_of = f"((n / {T}) % {M})"  # of client n
    given = "ARRAY[" + ",".join(f"'{g}'" for g in GIVEN) + "]"
    family = "ARRAY[" + ",".join(f"'{f}'" for f in FAMILY) + "]"
    sub = "ARRAY[" + ",".join(f"'{s[0]}'" for s in SUBCATEGORIES) + "]"
    cat = "ARRAY[" + ",".join(f"'{s[1]}'" for s in SUBCATEGORIES) + "]"
    dcat = "ARRAY[" + ",".join(f"'{s[2]}'" for s in SUBCATEGORIES) + "]"
    subj = "ARRAY[" + ",".join(f"'{s[3]}'" for s in SUBCATEGORIES) + "]"
    scopes = " ".join(
        f"WHEN {i} THEN ARRAY[{','.join(repr(c) for c in scope)}]::varchar[]"
        for i, scope in enumerate(CONSENT_SCOPES)
    )
    cm_id = _id("staff", f"{tenant_of} || '.' || {cm_of}")
    dep_id = _id("staff", f"{tenant_of} || '.' || (({cm_of} + 1) % {M})")
    staff_tm = _id("staff", "t || '.' || m")
    ref_cm = _id("staff", f"((r % {C}) % {T}) || '.' || (((r % {C}) / {T}) % {M})")
    dep2_cm = _id("staff", f"((2 * i) % {T}) || '.' || (((2 * i) / {T}) % {M})")
    # the registered deputy of client 2i's case (dep_id above): the one its deputy consent names
    dep2_deputy = _id("staff", f"((2 * i) % {T}) || '.' || ((((2 * i) / {T}) % {M} + 1) % {M})")
    entry_id = _id("entry", "n || '.' || j")
    start, end = history_window(now)
    span = int((end - start).total_seconds()) - 1
    A, S = z.audit, z.subject_records
    every = max(1, A // S)
    extra = max(0, z.consents - z.referrals)
    # referral r: client r % C, organisation W2_PARTNER for every tenth, else 1 + r % (P - 1)
    org_of = (
        f"(CASE WHEN r % 10 = 0 OR {z.partners} = 1 THEN 0 ELSE 1 + r % ({z.partners} - 1) END)"
    )
    referral_at = "(timestamptz '2025-01-01' + (r * interval '60 seconds'))"
    absence_from = f"timestamptz '{(now - timedelta(days=30)).isoformat()}'"
    absence_until = f"timestamptz '{(now + timedelta(days=150)).isoformat()}'"
    return [
        (
            "tenants",
            f"INSERT INTO tenants (id, slug, name) SELECT {_id('tenant', 't')},"
            f" 'jc-bench-' || lpad(t::text, 2, '0'), 'Jobcenter Bench ' || t"
            f" FROM generate_series(0, {T - 1}) t",
        ),
        (
            "staff_users",
            f"INSERT INTO staff_users (tenant_id, id, subject, display_name, roles)"
            f" SELECT {_id('tenant', 't')}, {staff_tm},"
            f" 'fm.' || lpad(t::text, 2, '0') || '.' || lpad(m::text, 3, '0'),"
            f" 'Fallmanager ' || t || '.' || m, ARRAY['case_manager']::varchar[]"
            f" FROM generate_series(0, {T - 1}) t, generate_series(0, {M - 1}) m"
            f" UNION ALL SELECT {_id('tenant', 't')}, {_id('dpo', 't')},"
            f" 'dsb.' || lpad(t::text, 2, '0'), 'Datenschutz ' || t,"
            f" ARRAY['data_protection_officer']::varchar[] FROM generate_series(0, {T - 1}) t",
        ),
        (
            "clients",
            f"INSERT INTO clients (tenant_id, id, customer_number, given_name, family_name,"
            f" date_of_birth, street, postal_code, city, phone, email, household_size,"
            f" children_in_household, created_at)"
            f" SELECT {_id('tenant', tenant_of)}, {_id('client', 'n')},"
            f" 'K' || lpad(n::text, 9, '0'), ({given})[1 + n % 10], ({family})[1 + (n / 10) % 8],"
            f" date '1965-01-01' + (n % 12000), 'Bahnhofstraße ' || (1 + n % 200),"
            f" lpad((10000 + n % 89999)::text, 5, '0'), 'Musterstadt', '0151 ' || n,"
            f" 'kunde' || n || '@example.org', 1 + n % 5, n % 3,"
            f" timestamptz '2024-01-01' + n * interval '5 minutes'"
            f" FROM generate_series(0, {C - 1}) n",
        ),
        (
            "cases",
            f"INSERT INTO cases (tenant_id, id, client_id, status, responsible_case_manager_id,"
            f" deputy_case_manager_id, created_at, proposed_by_id, profile, intake_reasoning,"
            f" decided_by_id, decided_at, care_variant, decision_reasoning, admitted_on,"
            f" next_review_due, closed_on, closing_reason, closing_reasoning)"
            f" SELECT {_id('tenant', tenant_of)}, {_id('case', 'n')}, {_id('client', 'n')},"
            f" CASE n % 10 WHEN 0 THEN 'closed' WHEN 1 THEN 'proposed' ELSE 'admitted' END,"
            f" {cm_id},"
            f" CASE WHEN n % 2 = 0 AND {M} > 1"
            f"  THEN {dep_id} END,"
            f" timestamptz '2024-01-01' + n * interval '5 minutes',"
            f" {cm_id},"
            f" (ARRAY['development','stabilisation','support'])[1 + n % 3],"
            f" 'Mehrere Handlungsbedarfe in Rahmenbedingungen und Leistungsfähigkeit.',"
            f" CASE WHEN n % 10 <> 1 THEN {cm_id} END,"
            f" CASE WHEN n % 10 <> 1 THEN timestamptz '2024-01-15' + n * interval '5 minutes' END,"
            f" CASE WHEN n % 10 <> 1 THEN"
            f"  (ARRAY['full_handover','accompanying'])[1 + n % 2] END,"
            f" CASE WHEN n % 10 <> 1 THEN 'Aufnahme ins Fallmanagement.' END,"
            f" CASE WHEN n % 10 <> 1 THEN date '2024-01-15' + (n / 288) END,"
            f" CASE WHEN n % 10 <> 1 THEN date '2024-07-15' + (n / 288) + (n % 400) END,"
            f" CASE WHEN n % 10 = 0 THEN date '2026-06-30' END,"
            f" CASE WHEN n % 10 = 0 THEN 'integration' END,"
            f" CASE WHEN n % 10 = 0 THEN 'Aufnahme einer Beschäftigung.' END"
            f" FROM generate_series(0, {C - 1}) n",
        ),
        (
            "assessment_entries",
            f"INSERT INTO assessment_entries (tenant_id, id, case_id, kind, category, subcategory,"
            f" data_category, subject, detail, recorded_by_id, updated_at)"
            f" SELECT {_id('tenant', tenant_of)}, {entry_id},"
            f" {_id('case', 'n')},"
            f" CASE WHEN j = 0 THEN 'strength' ELSE 'stabilisation_need' END,"
            f" ({cat})[1 + (n + j) % {len(SUBCATEGORIES)}],"
            f" ({sub})[1 + (n + j) % {len(SUBCATEGORIES)}],"
            f" ({dcat})[1 + (n + j) % {len(SUBCATEGORIES)}],"
            f" ({subj})[1 + (n + j) % {len(SUBCATEGORIES)}],"
            f" 'Im Gespräch am ' || (date '2024-02-01' + (n / 288)) || ' besprochen.',"
            f" {cm_id},"
            f" timestamptz '2024-02-01' + n * interval '5 minutes'"
            f" FROM generate_series(0, {C - 1}) n,"
            f" generate_series(0, {z.assessment_per_case - 1}) j",
        ),
        (
            "plan_items",
            f"INSERT INTO plan_items (tenant_id, id, case_id, kind, goal_id, sub_goal_id, title,"
            f" target_date, responsible, created_at)"
            f" SELECT {_id('tenant', tenant_of)}, {_id('goal', 'n')}, {_id('case', 'n')}, 'goal',"
            f" NULL::uuid, NULL::uuid, 'Schuldenregulierung', date '2026-12-31', NULL,"
            f" timestamptz '2024-02-01' + n * interval '5 minutes'"
            f" FROM generate_series(0, {C - 1}) n"
            f" UNION ALL SELECT {_id('tenant', tenant_of)}, {_id('subgoal', 'n')},"
            f" {_id('case', 'n')}, 'sub_goal', {_id('goal', 'n')}, NULL::uuid, 'Schuldnerberatung',"
            f" date '2026-09-30', NULL, timestamptz '2024-02-01' + n * interval '5 minutes'"
            f" FROM generate_series(0, {C - 1}) n",
        ),
        (
            "plan_items (activities)",
            f"INSERT INTO plan_items (tenant_id, id, case_id, kind, goal_id, sub_goal_id, title,"
            f" target_date, responsible, created_at)"
            f" SELECT {_id('tenant', tenant_of)}, {_id('activity', 'n')}, {_id('case', 'n')},"
            f" 'activity', {_id('goal', 'n')}, {_id('subgoal', 'n')}, 'Termin vereinbaren',"
            f" date '2026-06-30', 'client', timestamptz '2024-02-01' + n * interval '5 minutes'"
            f" FROM generate_series(0, {C - 1}) n",
        ),
        (
            "partners",
            f"INSERT INTO partner_organisations (id, slug, name) SELECT {_id('org', 'p')},"
            f" 'partner-bench-' || lpad(p::text, 2, '0'), 'Beratungsstelle ' || p"
            f" FROM generate_series(0, {z.partners - 1}) p;"
            f" INSERT INTO partner_users (organisation_id, id, subject, display_name, roles)"
            f" SELECT {_id('org', 'p')}, {_id('puser', 'p')}, 'pb.' || lpad(p::text, 2, '0'),"
            f" 'Beraterin ' || p, ARRAY['partner_counsellor']::varchar[]"
            f" FROM generate_series(0, {z.partners - 1}) p;"
            f" INSERT INTO network_memberships (tenant_id, partner_organisation_id,"
            f" service_categories) SELECT {_id('tenant', 't')}, {_id('org', 'p')},"
            f" ARRAY['debt_counselling','housing_help','addiction_counselling']::varchar[]"
            f" FROM generate_series(0, {T - 1}) t, generate_series(0, {z.partners - 1}) p",
        ),
        (
            "referrals",
            f"INSERT INTO referrals (tenant_id, id, case_id, client_id, partner_organisation_id,"
            f" service_category, purpose, first_report_due, status, created_by_id, created_at)"
            f" SELECT {_id('tenant', f'(r % {C}) % {T}')}, {_id('referral', 'r')},"
            f" {_id('case', f'r % {C}')}, {_id('client', f'r % {C}')}, {_id('org', org_of)},"
            f" (ARRAY['debt_counselling','housing_help','addiction_counselling'])[1 + r % 3],"
            f" 'Unterstützung bei der Regulierung der Schulden.',"
            f" ({referral_at})::date + 30,"
            f" CASE WHEN {org_of} = 0 THEN 'in_progress'"
            f"  ELSE (ARRAY['sent','accepted','in_progress','completed'])[1 + r % 4] END,"
            f" {ref_cm},"
            f" {referral_at}"
            f" FROM generate_series(0, {z.referrals - 1}) r",
        ),
        (
            "consents",
            f"INSERT INTO consents (tenant_id, id, client_id, purpose, grantee_organisation_id,"
            f" referral_id, direction, categories, explicit_special_categories, valid_from,"
            f" valid_until, evidence_reference, informed_content, informed_effects,"
            f" informed_scope, informed_voluntariness, informed_benefit, recorded_by_kind,"
            f" recorded_by_id, recorded_at)"
            f" SELECT {_id('tenant', f'(r % {C}) % {T}')}, {_id('consent', 'r')},"
            f" {_id('client', f'r % {C}')}, 'referral', {_id('org', org_of)},"
            f" {_id('referral', 'r')}, 'to_partner', CASE r % 3 {scopes} END, false,"
            f" {referral_at}, CASE WHEN r % 20 BETWEEN 12 AND 16"
            f"  THEN {referral_at} + interval '90 days' END,"
            f" 'Formular ' || r, true, true, true, true, true, 'staff',"
            f" {ref_cm},"
            f" {referral_at}"
            f" FROM generate_series(0, {z.referrals - 1}) r;"
            # the rest: deputy consents (every second client; naming the case's deputy, for an
            # absence around now), then report consents
            f" INSERT INTO consents (tenant_id, id, client_id, purpose, grantee_organisation_id,"
            f" referral_id, deputy_id, direction, categories, explicit_special_categories,"
            f" valid_from, valid_until, informed_content, informed_effects, informed_scope,"
            f" informed_voluntariness, informed_benefit, recorded_by_kind, recorded_by_id)"
            f" SELECT {_id('tenant', f'(2 * i) % {T}')}, {_id('consentx', 'i')},"
            f" {_id('client', '2 * i')}, 'deputy', NULL::uuid, NULL::uuid,"
            f" CASE WHEN {M} > 1 THEN {dep2_deputy} ELSE {dep2_cm} END, 'to_jobcenter',"
            f" ARRAY[]::varchar[], false, {absence_from}, {absence_until},"
            f" true, true, true, true, true, 'staff',"
            f" {dep2_cm}"
            f" FROM generate_series(0, least({extra}, {(C + 1) // 2}) - 1) i"
            f" UNION ALL SELECT {_id('tenant', f'(r % {C}) % {T}')}, {_id('consentx', 'i')},"
            f" {_id('client', f'r % {C}')}, 'referral', {_id('org', org_of)},"
            f" {_id('referral', 'r')}, NULL::uuid, 'to_jobcenter',"
            f" ARRAY['progress_reports']::varchar[],"
            f" false, {referral_at}, NULL, true, true, true, true, true, 'staff',"
            f" {ref_cm}"
            f" FROM (SELECT i, (i - {(C + 1) // 2}) % {z.referrals} AS r"
            f"  FROM generate_series({(C + 1) // 2}, {extra} - 1) i) x;"
            # With the consent's grantee, which the partner's policy reads (migration 0007).
            f" INSERT INTO consent_revocations (tenant_id, consent_id, grantee_organisation_id,"
            f" revoked_at, revoked_by_kind, revoked_by_id, channel)"
            f" SELECT {_id('tenant', f'(r % {C}) % {T}')}, {_id('consent', 'r')},"
            f" {_id('org', org_of)},"
            f" {referral_at} + interval '30 days', 'client', {_id('client', f'r % {C}')},"
            f" 'portal' FROM generate_series(0, {z.referrals - 1}) r WHERE r % 20 >= 17",
        ),
        ("partner reach", _reach_statements()),
        *_audit_statements(z, start, span, A, every),
    ]


def _reach_statements() -> str:
    """The partner organisations on the rows their referrals reach (`reached_by`, migration
    0007), as the service's flush keeps them (service/tenants/reach.py): these inserts are SQL,
    which the flush never sees. Without them the W2 partner would reach no client."""
    statements = []
    for table in reached_tables():
        by, column = reached_through(table)
        statements.append(
            f"UPDATE {table.name} x SET reached_by = r.organisations FROM ("
            f" SELECT tenant_id, {by} AS key, array_agg(DISTINCT partner_organisation_id)"
            f" AS organisations FROM referrals GROUP BY 1, 2) r"
            f" WHERE x.tenant_id = r.tenant_id AND x.{column} = r.key"
        )
    return "; ".join(statements)


# Entries per request in the history (a page of the case list reads clients and cases), and
# the codes every jobcenter's dictionaries get for them (migrations/versions/0017_audit_compact.py).
PER_REQUEST = 10
AUDIT_KINDS = ((1, "read", "client"), (2, "read", "case"))
AUDIT_FIELDS = {
    1: ("customerNumber", "familyName", "givenName"),
    2: ("nextReviewDue", "responsibleCaseManager", "status"),
}
AUDIT_BASIS = "responsible_case_manager+same_jobcenter"
AUDIT_MASK = 7  # every entry's fields: the first three of its kind


def _names(kind: int, mask: int) -> str:
    """A mask's field names as the chain hashes them: sorted by code point, comma-joined
    (service/audit/codes.py, FieldNames.decode)."""
    return ",".join(sorted(name for bit, name in enumerate(AUDIT_FIELDS[kind]) if mask >> bit & 1))


def _audit_statements(z: Sizes, start: datetime, span: int, A: int, every: int):
    """Request q belongs to tenant q % T (so one link per request) and is that tenant's link
    q / T + 1 in lane 0; its PER_REQUEST entries alternate a client's own record and the
    client's case. Client 0 (tenant 0) is the subject of `subject_records` entries spread over
    the period.

    The history is a valid chain, as `audit_append` would have made it (`service audit verify`
    passes after a bench run): the step "audit chain" builds each link's canonical text
    (service/audit/verify.py, canonical) from the same expressions the inserts below use and
    hashes the links in order in one DO block; the links are then inserted with their hashes
    and each jobcenter's lane 0 head with its last link's seq and hash."""
    T, C, M, R = z.tenants, z.clients, z.case_managers, PER_REQUEST
    Q = -(-A // R)
    block = R * T  # entry numbers n with n % block == 0 are in a request of tenant 0
    every = max(block, every // block * block)
    t_of = f"((n / {R}) % {T})"
    subject = f"(CASE WHEN n % {every} = 0 AND n / {every} < {z.subject_records} THEN 0"
    subject += f" ELSE ((n::bigint * 7919) % {max(1, C // T)}) * {T} + {t_of} END)"
    at = f"timestamptz '{start.isoformat()}' + make_interval(secs => (q::float8 * {span} / {Q}))"
    tenants = f"generate_series(0, {T - 1}) t"
    tenant = _id("tenant", f"q % {T}")
    request = _id("req", "q")
    actor = _id("staff", f"(q % {T}) || '.' || ((q / {T}) % {M})")
    # Entry n of request n / R, on client c: its columns, shared by the insert and the hash.
    kind = "CASE WHEN n % 2 = 0 THEN 1 ELSE 2 END"
    entry_columns = {
        "seq": f"q / {T} + 1",
        "occurred_at": at,
        "fields": str(AUDIT_MASK),
        "tenant_id": tenant,
        "subject_id": _id("client", "c"),
        "object_id": f"CASE WHEN n % 2 = 0 THEN NULL ELSE {_id('case', 'c')} END",
        "basis": "1",
        "kind": kind,
        "entry": f"n % {R} + 1",
        "lane": "0",
    }

    def entries(first: str, last: str) -> str:
        return f"(SELECT n, n / {R} AS q, {subject} AS c FROM generate_series({first}, {last}) n) g"

    def by_kind(column: Callable[[int, str, str], str]) -> str:
        cases = " ".join(f"WHEN {code} THEN '{column(code, a, o)}'" for code, a, o in AUDIT_KINDS)
        return f"CASE e.kind {cases} END"

    # The canonical text (verify.py, canonical; audit_append.sql): the header, its entries by
    # name in entry order (the object id spelled out where stored as NULL), the previous hash.
    header = (
        f"concat_ws('|', {tenant}::text, '0', (q / {T} + 1)::text,"
        f" (extract(epoch FROM {at}) * 1000000)::bigint::text, {request}::text, 'CaseList',"
        f" 'staff', {actor}::text, '')"
    )
    entry_text = (
        "concat_ws('|', e.entry::text, "
        + by_kind(lambda code, action, object_type: action)
        + ", e.subject_id::text, "
        + by_kind(lambda code, action, object_type: object_type)
        + ", coalesce(e.object_id, e.subject_id)::text, "
        + by_kind(lambda code, action, object_type: _names(code, AUDIT_MASK))
        + f", '{AUDIT_BASIS}')"
    )
    linked = (
        f"SELECT q, {header} AS header, (SELECT string_agg({entry_text}, E'\\n' ORDER BY e.entry)"
        f" FROM (SELECT {entry_columns['entry']} AS entry, {kind} AS kind,"
        f" {entry_columns['subject_id']} AS subject_id, {entry_columns['object_id']} AS object_id"
        f" FROM {entries(f'l.q * {R}', f'least(l.q * {R} + {R}, {A}) - 1')}) e) AS entries"
        f" FROM generate_series(0, {Q - 1}) l(q)"
    )
    yield (
        "audit dictionaries",
        "INSERT INTO audit_kinds (tenant_id, code, action, object_type)"
        f" SELECT {_id('tenant', 't')}, k.code, k.action, k.object_type FROM {tenants},"
        " (VALUES "
        + ", ".join(f"({code}, '{action}', '{kind}')" for code, action, kind in AUDIT_KINDS)
        + ") k(code, action, object_type);"
        "INSERT INTO audit_fields (tenant_id, kind, bit, name)"
        f" SELECT {_id('tenant', 't')}, f.kind, f.bit, f.name FROM {tenants}, (VALUES "
        + ", ".join(
            f"({kind}, {bit}, '{name}')"
            for kind, names in AUDIT_FIELDS.items()
            for bit, name in enumerate(names)
        )
        + ") f(kind, bit, name);"
        "INSERT INTO audit_bases (tenant_id, code, name)"
        f" SELECT {_id('tenant', 't')}, 1, '{AUDIT_BASIS}' FROM {tenants}",
    )
    # Links in q order, which is each jobcenter's seq order; the hash of the first link of a
    # lane covers an empty previous hash, as audit_append's new head ('' bytea) gives it.
    yield (
        f"audit chain 0–{Q - 1:,}",
        "CREATE TEMP TABLE bench_audit_chain (q integer, hash bytea);"
        " DO $chain$ DECLARE link record; h bytea; expected integer := 0;"
        f" previous bytea[] := array_fill(''::bytea, ARRAY[{T}]);"
        f" hashes bytea[] := array_fill(NULL::bytea, ARRAY[{Q}]);"
        f" BEGIN FOR link IN {linked} LOOP"
        "  IF link.q <> expected THEN RAISE EXCEPTION 'audit chain: link % out of order', link.q;"
        "  END IF;"
        "  h := sha256(convert_to(link.header || E'\\n' || link.entries || E'\\n'"
        f"       || encode(previous[link.q % {T} + 1], 'hex'), 'UTF8'));"
        f"  previous[link.q % {T} + 1] := h; hashes[link.q + 1] := h; expected := expected + 1;"
        " END LOOP;"
        " INSERT INTO bench_audit_chain SELECT (x.n - 1)::integer, x.hash"
        "  FROM unnest(hashes) WITH ORDINALITY x(hash, n);"
        " END $chain$",
    )
    yield (
        f"audit_requests 0–{Q - 1:,}",
        "INSERT INTO audit_requests (seq, occurred_at, tenant_id, request_id, actor_id,"
        " actor_organisation_id, actor_kind, operation, hash, lane)"
        f" SELECT q / {T} + 1, {at}, {tenant}, {request},"
        f" {actor}, NULL, 'staff', 'CaseList', hash, 0 FROM bench_audit_chain",
    )
    chunk = 1_000_000
    for first in range(0, A, chunk):
        last = min(A, first + chunk) - 1
        yield (
            f"audit_entries {first:,}–{last:,}",
            f"INSERT INTO audit_entries ({', '.join(entry_columns)})"
            f" SELECT {', '.join(entry_columns.values())} FROM {entries(str(first), str(last))}",
        )
    yield (
        "audit_chain_heads",
        # The history is lane 0, each jobcenter's ending at its last link (a jobcenter without
        # one: seq 0, no hash); audit_append makes the other lanes on first use.
        "INSERT INTO audit_chain_heads (tenant_id, lane, seq, hash)"
        f" SELECT {_id('tenant', 't')}, 0, coalesce(last.seq, 0), coalesce(last.hash, '')"
        f" FROM {tenants} LEFT JOIN (SELECT DISTINCT ON (q % {T}) q % {T} AS t, q / {T} + 1 AS seq,"
        f" hash FROM bench_audit_chain ORDER BY q % {T}, q DESC) last USING (t);"
        " DROP TABLE bench_audit_chain",
    )


def connect_kwargs(url) -> dict:
    """asyncpg's keyword arguments for a SQLAlchemy URL of the database (`generate`'s first)."""
    return {
        "user": url.username,
        "database": url.database,
        "host": url.query.get("host"),
        "port": url.port,
        "password": url.password,
    }


async def generate(
    url_kwargs: dict, sizes: Sizes, *, now: datetime, say: Callable[[str], None] = print
) -> dict[str, float]:
    """Fill an empty, migrated database; return seconds per step. Skips when the database
    already holds this exact data set (bench_meta)."""
    conn = await asyncpg.connect(**url_kwargs)
    timings: dict[str, float] = {}
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (sizes jsonb, made date)")
        wanted = _meta(sizes, now)
        have = await conn.fetchval("SELECT sizes::text FROM bench_meta LIMIT 1")
        if have is not None:
            if json.loads(have) == wanted:
                say("data: already generated (bench_meta matches), reusing")
                return {}
            raise RuntimeError("the bench database holds another data set; use --fresh")
        await conn.execute("SET synchronous_commit = off")
        await conn.execute("SET maintenance_work_mem = '512MB'")
        for name, sql in _statements(sizes, now):
            started = time.perf_counter()
            await conn.execute(sql)
            timings[name] = time.perf_counter() - started
            say(f"data: {name:<28} {timings[name]:7.1f} s")
        started = time.perf_counter()
        await conn.execute("VACUUM (ANALYZE)")
        timings["vacuum analyze"] = time.perf_counter() - started
        say(f"data: {'vacuum analyze':<28} {timings['vacuum analyze']:7.1f} s")
        # Write the load's dirty pages out now, not in a checkpoint during the measurements
        # (the first run after a fresh load had one-second stalls in every server's p99).
        started = time.perf_counter()
        await conn.execute("CHECKPOINT")
        timings["checkpoint"] = time.perf_counter() - started
        say(f"data: {'checkpoint':<28} {timings['checkpoint']:7.1f} s")
        await conn.execute(
            "INSERT INTO bench_meta VALUES ($1::jsonb, $2)", json.dumps(wanted), now.date()
        )
    finally:
        await conn.close()
    return timings


def _meta(sizes: Sizes, now: datetime) -> dict:
    _, end = history_window(now)
    # "chained": a database generated before the history was a valid chain is not reused.
    return {**asdict(sizes), "history_end": end.isoformat(), "audit_history": "chained"}


async def counts(url_kwargs: dict) -> dict[str, int]:
    conn = await asyncpg.connect(**url_kwargs)
    try:
        result = {}
        for table in (
            "tenants",
            "staff_users",
            "clients",
            "cases",
            "assessment_entries",
            "plan_items",
            "referrals",
            "consents",
            "consent_revocations",
            "audit_requests",
            "audit_entries",
        ):
            result[table] = await conn.fetchval(f"SELECT count(*) FROM {table}")
        return result
    finally:
        await conn.close()
