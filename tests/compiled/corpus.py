"""The documents the differential test runs: the bench's, a few the compiler must leave to the
generic path, and a generated corpus of selections over the compilable types (fixed seed, so a
failure names a document that fails again)."""

from __future__ import annotations

import random

from bench.workloads import CASE_LIST, PARTNER_REFERRALS

SEED = 17
CORPUS_SIZE = 60
REFERRAL_CORPUS_SIZE = 30

# Every field of the compilable types (service/compiled/compiler.py): a field the compiler
# runs is a field drawn here.
CASE_LEAVES = (
    *("id", "status", "version", "profile", "careVariant", "admittedOn", "nextReviewDue"),
    *("reviewOverdue", "pastTwoYears", "closedOn", "closingReason", "aftercareUntil"),
    *("closingReasoning", "closingRetrospective", "closingProspective"),
    *("clientTookPartInClosure", "handedOverAt"),
)
CASE_STAFF = ("responsibleCaseManager", "deputyCaseManager", "handedOverTo", "handedOverBy")
CLIENT_LEAVES = (
    *("id", "customerNumber", "givenName", "familyName", "dateOfBirth", "street"),
    *("postalCode", "city", "phone", "email", "householdCommunityNumber", "householdSize"),
    "childrenInHousehold",
)
STAFF_LEAVES = ("id", "displayName")
PAGE_INFO = ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor")

# Registered, but not compiled: fragments, directives, a field with arguments below the root.
NOT_COMPILED = (
    "query WithFragment { cases(first: 5) { edges { node { ...Row } } } }\n"
    "fragment Row on Case { id status client { familyName } }",
    "query WithDirective($all: Boolean!) { cases(first: 5) { edges { node { id "
    "client @include(if: $all) { familyName } } } } }",
    "query WithIntake { cases(first: 5) { edges { node { id intake { intakeReasoning } } } } }",
    "query WithHistory { referrals { edges { node { id case { assessment { "
    "finances(includeHistory: true) { subject } } } } } } }",
    "query WithReports { referrals { edges { node { id progressReports { text } } } } }",
)

FILTERED = (
    "query Admitted { cases(first: 10, filter: {status: ADMITTED}) { edges { node { id status "
    "client { familyName } } } pageInfo { hasNextPage endCursor } } }"
)
PAGED = (
    "query Paged($first: Int, $after: String) { cases(first: $first, after: $after) { "
    "edges { cursor node { id status client { givenName } } } "
    "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"
)


REFERRAL_LEAVES = (
    *("id", "serviceCategory", "purpose", "firstReportDue", "status", "createdAt", "version"),
    "overdue",
)
JOBCENTER_LEAVES = ("id", "slug", "name")
AREAS = ("qualification", "circumstances", "finances", "housing", "health", "addiction")
ENTRY_LEAVES = (
    *("id", "kind", "category", "subcategory", "subject", "detail", "updatedAt"),
    "supersededAt",
)


def _pick(rng: random.Random, names: tuple[str, ...] | list[str], at_least: int = 1) -> list[str]:
    chosen = rng.sample(list(names), rng.randint(at_least, len(names)))
    return [_aliased(rng, name) for name in chosen]


def _aliased(rng: random.Random, name: str) -> str:
    return f"{name}Alias{rng.randint(1, 9)}: {name}" if rng.random() < 0.2 else name


def _typename(rng: random.Random) -> list[str]:
    return ["__typename"] if rng.random() < 0.3 else []


def _case_selection(rng: random.Random) -> str:
    parts = _pick(rng, CASE_LEAVES) + _typename(rng)
    for staff in CASE_STAFF:
        if rng.random() < 0.4:
            parts.append(f"{_aliased(rng, staff)} {{ {' '.join(_pick(rng, STAFF_LEAVES))} }}")
    if rng.random() < 0.8:
        client = _pick(rng, CLIENT_LEAVES) + _typename(rng)
        parts.append(f"{_aliased(rng, 'client')} {{ {' '.join(client)} }}")
    rng.shuffle(parts)
    return " ".join(parts)


def _referral_selection(rng: random.Random) -> str:
    parts = _pick(rng, REFERRAL_LEAVES) + _typename(rng)
    if rng.random() < 0.5:
        parts.append(f"{_aliased(rng, 'jobcenter')} {{ {' '.join(_pick(rng, JOBCENTER_LEAVES))} }}")
    if rng.random() < 0.7:
        parts.append(f"{_aliased(rng, 'client')} {{ {' '.join(_pick(rng, CLIENT_LEAVES))} }}")
    if rng.random() < 0.7:
        case = _pick(rng, CASE_LEAVES[:9])  # the case's status fields; no staff below a referral
        areas = [
            f"{_aliased(rng, area)} {{ {' '.join(_pick(rng, ENTRY_LEAVES) + _typename(rng))} }}"
            for area in rng.sample(AREAS, rng.randint(1, len(AREAS)))
        ]
        case.append(f"assessment {{ {' '.join(areas)} }}")
        parts.append(f"{_aliased(rng, 'case')} {{ {' '.join(case)} }}")
    rng.shuffle(parts)
    return " ".join(parts)


def generated_referrals(count: int = REFERRAL_CORPUS_SIZE, seed: int = SEED) -> list[str]:
    rng = random.Random(seed)
    return [
        f"query GeneratedReferrals{number}($first: Int) {{ {_aliased(rng, 'referrals')}"
        f"(first: $first) {{ edges {{ node {{ {_referral_selection(rng)} }} }} }} }}"
        for number in range(count)
    ]


def generated(count: int = CORPUS_SIZE, seed: int = SEED) -> list[str]:
    rng = random.Random(seed)
    documents = []
    for number in range(count):
        edge = [f"node {{ {_case_selection(rng)} }}"]
        if rng.random() < 0.3:
            edge.append("cursor")
        connection = [f"edges {{ {' '.join(edge + _typename(rng))} }}"]
        if rng.random() < 0.5:
            connection.append(f"pageInfo {{ {' '.join(_pick(rng, PAGE_INFO))} }}")
        rng.shuffle(connection)
        root = _aliased(rng, "cases")
        documents.append(
            f"query Generated{number}($first: Int) {{ {root}(first: $first) "
            f"{{ {' '.join(connection)} }} }}"
        )
    return documents


ALL_CASE_FIELDS = (
    "query AllCaseFields { cases(first: 50) { edges { cursor node { "
    + " ".join(CASE_LEAVES)
    + " "
    + " ".join(f"{staff} {{ id displayName }}" for staff in CASE_STAFF)
    + f" client {{ {' '.join(CLIENT_LEAVES)} }} }} }} pageInfo {{ {' '.join(PAGE_INFO)} }} }} }}"
)
REFERRALS_FILTERED = (
    "query OpenReferrals($status: ReferralStatus, $overdue: Boolean) { "
    "referrals(first: 10, status: $status, overdue: $overdue) { edges { cursor node { id status "
    "overdue client { familyName } case { assessment { finances { subject } health { subject } } "
    "} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"
)
GENERATED = (*generated(), *generated_referrals())
COMPILED = (
    *(CASE_LIST, FILTERED, PAGED, ALL_CASE_FIELDS, PARTNER_REFERRALS, REFERRALS_FILTERED),
    *GENERATED,
)
FIXED = (*COMPILED[:6], *NOT_COMPILED)
REGISTERED = (*FIXED, *GENERATED)
