"""Invariant 1: every field of personal data has its category and passes the one guard.
The walk covers the whole real schema; throwaway schemas show that it catches what it must.

(No `from __future__ import annotations` here: strawberry must resolve the throwaway types.)
"""

import strawberry

from service.policy.categories import DataCategory
from service.policy.coverage import guard_violations
from service.policy.guard import GuardTag, personal_field, personal_type, public_type
from service.schema import schema


@personal_type(name="LeakyClient")
class LeakyClient:
    guard: strawberry.Private[GuardTag]

    @personal_field(DataCategory.IDENTITY)
    def family_name(self) -> str | None:
        return "guarded"

    @strawberry.field
    def debts(self) -> str | None:  # deliberately unguarded
        return "leaks"


@strawberry.type
class Anonymous:
    note: str


@personal_type(name="RigidClient")
class RigidClient:
    guard: strawberry.Private[GuardTag]

    @strawberry.field(extensions=personal_field(DataCategory.IDENTITY).extensions)
    def family_name(self) -> str:
        return "cannot be null"


@public_type("test")
class Fine:
    ok: bool


@strawberry.type
class LeakyQuery:
    leaky: LeakyClient | None = None


@strawberry.type
class AnonymousQuery:
    anonymous: Anonymous | None = None


@strawberry.type
class RigidQuery:
    rigid: RigidClient | None = None


@strawberry.type
class ScalarRootQuery:
    client_name: str = "leaks"
    fine: Fine | None = None


def test_every_personal_field_of_the_schema_is_guarded_and_categorised():
    assert guard_violations(schema) == []


def test_the_sdl_shows_each_fields_category():
    sdl = schema.as_str()
    assert 'familyName: String @personalData(category: "identity")' in sdl
    assert 'text: String @personalData(category: "progress_reports")' in sdl


def test_a_personal_field_without_its_guard_is_caught():
    assert guard_violations(strawberry.Schema(query=LeakyQuery)) == [
        "LeakyClient.debts: personal data without category and guard"
    ]


def test_an_unclassified_type_is_caught():
    assert guard_violations(strawberry.Schema(query=AnonymousQuery)) == [
        "Anonymous: neither personal_type nor public_type"
    ]


def test_a_guarded_field_that_cannot_be_null_is_caught():
    assert guard_violations(strawberry.Schema(query=RigidQuery)) == [
        "RigidClient.familyName: guarded fields must be nullable"
    ]


def test_a_root_field_returning_a_bare_scalar_is_caught():
    assert guard_violations(strawberry.Schema(query=ScalarRootQuery)) == [
        "ScalarRootQuery.clientName: root fields must return object types"
    ]
