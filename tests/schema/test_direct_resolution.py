"""Guarded fields resolved directly (without strawberry's per-field layers) decide and record
exactly what the field extension does: same values, same refusals at the same paths, same reads
recorded. Runs one throwaway schema both ways under the real policy.

(No `from __future__ import annotations` here: strawberry must resolve the throwaway types.)
"""

import asyncio
import uuid

import pytest
import strawberry

from service.audit.request_log import LoggedObject, RequestLog
from service.errors import Forbidden
from service.policy.authorizer import Authorizer
from service.policy.categories import DataCategory
from service.policy.facts import Access, ObjectFlag
from service.policy.guard import (
    GuardTag,
    RequestGuard,
    personal_field,
    personal_type,
    resolve_fields_directly,
)
from service.schema import schema as real_schema
from tests.policy.test_consent_policy import COUNSELLOR, RECIPIENT, TENANT, consent

IDENTITY = DataCategory.IDENTITY
CONSENT = consent("identity")
SUBJECT = uuid.uuid4()


@personal_type(name="Person")
class Person:
    guard: strawberry.Private[GuardTag]
    given_name: str | None = personal_field(IDENTITY)

    @personal_field(IDENTITY)
    def family_name(self) -> str | None:
        return "Beispiel"

    @personal_field(IDENTITY)
    def greeting(self, info: strawberry.Info) -> str | None:
        return f"Guten Tag ({info.field_name})"

    @personal_field(IDENTITY)
    async def customer_number(self) -> str | None:
        await asyncio.sleep(0)
        return "K-0001"

    @personal_field(DataCategory.ASSESSMENT_FINANCES)
    def debts(self) -> str | None:
        return "must not leave"

    @personal_field(IDENTITY)
    def initials(self, separator: str = ".") -> str | None:  # has an argument: extension path
        return f"E{separator}B{separator}"


@strawberry.type
class PersonQuery:
    @strawberry.field
    def person(self) -> Person:
        tag = GuardTag(
            tenant_id=TENANT,
            subject_id=SUBJECT,
            object_type="client",
            object_id=SUBJECT,
            access=Access(RECIPIENT, (CONSENT,), frozenset({ObjectFlag.REFERRAL_OPEN})),
        )
        return Person(guard=tag, given_name="Erika")


QUERY = '{ person { givenName familyName greeting customerNumber debts initials(separator: "-") } }'


class _Context:
    def __init__(self) -> None:
        self.guard = RequestGuard(COUNSELLOR, Authorizer(), RequestLog())


def _run(direct: bool):
    schema = strawberry.Schema(query=PersonQuery)
    converted = resolve_fields_directly(schema) if direct else 0
    context = _Context()
    result = asyncio.run(schema.execute(QUERY, context_value=context))
    errors = sorted((tuple(error.path), type(error.original_error)) for error in result.errors)
    return converted, result.data, errors, context.guard.log.entries


@pytest.mark.parametrize("direct", [False, True], ids=["extension", "direct"])
def test_a_guarded_field_answers_and_records_the_same_either_way(direct):
    converted, data, errors, reads = _run(direct)

    assert data == {
        "person": {
            "givenName": "Erika",
            "familyName": "Beispiel",
            "greeting": "Guten Tag (greeting)",
            "customerNumber": "K-0001",
            "debts": None,
            "initials": "E-B-",
        }
    }
    assert errors == [(("person", "debts"), Forbidden)]
    key = LoggedObject(TENANT, SUBJECT, "client", SUBJECT, f"consent:{CONSENT.id}")
    assert reads == {key: {"givenName", "familyName", "greeting", "customerNumber", "initials"}}
    # Everything but the field with an argument took the direct path.
    assert converted == (5 if direct else 0)


def test_the_real_schema_resolves_its_guarded_fields_directly():
    guarded = [
        field
        for graphql_type in real_schema._schema.type_map.values()
        for field in getattr(graphql_type, "fields", {}).values()
        if _guarded_without_arguments(field)
    ]
    assert len(guarded) > 100
    assert all(field.resolve.__qualname__.startswith("_direct_resolver") for field in guarded)


def _guarded_without_arguments(graphql_field) -> bool:
    field = (graphql_field.extensions or {}).get("strawberry-definition")
    if field is None or field.arguments:
        return False
    return any(type(extension).__name__ == "FieldGuard" for extension in field.extensions)
