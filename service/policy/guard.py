"""The field guard: the one chokepoint every field of personal data passes (DESIGN.md, invariant 1).

A field of personal data is declared with `personal_field(category)`; its type with
`personal_type`, and the object behind it carries a `GuardTag` saying whose data it is and what
the actor is to it (`Access`). On every read the guard asks the policy which categories that
`Access` may read — once per distinct situation in the request, then from a dict — and either
records the read and returns the value, or answers `null` with a FORBIDDEN error at the field's
path. Resolvers never decide access themselves.

It is a strawberry *field* extension, not a schema extension: a schema-wide `resolve` hook made a
500-row query ~8× slower (FIELD-NOTES.md, Strawberry).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any, Final, NamedTuple, Protocol

import strawberry
from graphql import GraphQLObjectType, GraphQLResolveInfo
from strawberry.extensions import FieldExtension
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.schema_directive import Location
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from service.audit.request_log import RequestLog
from service.errors import Forbidden, ProcessingRestricted, Restricted
from service.identity.actor import Actor
from service.policy.categories import DataCategory
from service.policy.facts import Access, ObjectFlag

ROW_CATEGORY: Final = "row"
"""For types whose rows differ in category (assessment entries): the tag names the category."""

CategoryDeclaration = DataCategory | str


class GuardTag(NamedTuple):
    """Whose data an object is, what it is, and what the actor is to it. (One for every object
    a response holds: a named tuple is as immutable as a frozen dataclass and made in a quarter
    of the time.)"""

    tenant_id: uuid.UUID
    subject_id: uuid.UUID  # the client the data is about
    object_type: str  # an ObjectType (service/audit/object_types.py)
    object_id: uuid.UUID
    access: Access
    category: DataCategory | None = None  # only for ROW_CATEGORY types


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    name="personalData",
    description="Personal data of the given category: read only where policy allows, and recorded.",
)
class PersonalData:
    category: str


@dataclass(slots=True)  # not frozen: one for every object and category a response reads, and
# a frozen dataclass's `__init__` costs five times as much (3.5 µs, timeit); never changed
class _Decision:
    tag: GuardTag  # held so that id(tag) stays this tag's for the request
    refusal: type[Exception] | None
    reads: set[str]  # the log's set for this object on this ground (service/audit/request_log.py)


class GuardPolicy(Protocol):
    """What the guard asks the policy (service/policy/authorizer.py answers)."""

    def readable_categories(self, actor: Actor, access: Access) -> frozenset[str]: ...

    def read_ground(self, actor: Actor, access: Access, category: str) -> int | None: ...

    def may_write(self, actor: Actor, access: Access) -> bool: ...


class RequestGuard:
    """Per request: the policy answers so far. The guard decides; what it admits it notes in
    the request's log, which the audit owns and records."""

    def __init__(
        self,
        actor: Actor,
        policy: GuardPolicy,
        log: RequestLog,
        restricted_subjects: frozenset[uuid.UUID] = frozenset(),
    ):
        self.actor = actor
        self._policy = policy
        self.log = log
        # Clients whose processing is restricted, read once at the start of the request.
        self.restricted_subjects = restricted_subjects
        self._answers: dict[Access, frozenset[str]] = {}
        self._grounds: dict[tuple[Access, str], str] = {}
        self.policy_questions = 0
        # One decision per object and category, keyed by the tag's identity: hashing a tag
        # hashes its consents, and a list of 50 cases asks some 600 times. The entry keeps the
        # tag alive, so its id cannot be reused within the request.
        self._decisions: dict[tuple[int, str], _Decision] = {}

    def readable(self, access: Access) -> frozenset[str]:
        answer = self._answers.get(access)
        if answer is None:
            self.policy_questions += 1
            answer = frozenset(self._policy.readable_categories(self.actor, access))
            self._answers[access] = answer
        return answer

    def admit(self, tag: GuardTag, category: str) -> set[str]:
        """Raise FORBIDDEN (or RESTRICTED) unless the actor may read `category` of this object;
        otherwise return the set its field reads are to be recorded in (see `record`)."""
        decision = self._decisions.get((id(tag), category))
        if decision is None:
            decision = self._decisions[(id(tag), category)] = self._decide(tag, category)
        if decision.refusal is not None:
            raise decision.refusal()
        return decision.reads

    def record(self, tag: GuardTag, category: str, field_name: str) -> None:
        self.admit(tag, category).add(field_name)

    def _decide(self, tag: GuardTag, category: str) -> _Decision:
        access = tag.access
        if tag.subject_id in self.restricted_subjects:
            access = access.with_flags(ObjectFlag.RESTRICTED)
        if category not in self.readable(access):
            refusal = Restricted if ObjectFlag.RESTRICTED in access.flags else Forbidden
            return _Decision(tag, refusal, set())
        reads = self.log.read(
            tenant_id=tag.tenant_id,
            subject_id=tag.subject_id,
            object_type=tag.object_type,
            object_id=tag.object_id,
            basis=self.basis(tag.access, category),
        )
        return _Decision(tag, None, reads)

    def basis(self, access: Access, category: str) -> str:
        """What allowed a read, for the record, as the policy names it (the `ground` rules of
        policies.polar): the consent that grounds it for this actor, else the actor's relations
        to the client. Asked once per situation and category in the request: the policy's
        answer is the consent's place in `access.consents`, the same for every equal Access."""
        basis = self._grounds.get((access, category))
        if basis is None:
            self.policy_questions += 1
            index = self._policy.read_ground(self.actor, access, category)
            if index is None:
                basis = "+".join(sorted(access.relations)) or "none"
            else:
                basis = f"consent:{access.consents[index].id}"
            self._grounds[(access, category)] = basis
        return basis

    def admit_change(self, subject_id: uuid.UUID, flags: frozenset[ObjectFlag]) -> None:
        """Raise ProcessingRestricted unless the actor may store this change to the client's
        data; `flags` are the written row's. Called for every row at every flush
        (service/audit/writes.py). Only a restriction adds anything to the action's own rule,
        which was asked before the change was made, so only then is the policy asked again."""
        if subject_id not in self.restricted_subjects:
            return
        access = Access(frozenset(), flags=flags | {ObjectFlag.RESTRICTED})
        if not self._policy.may_write(self.actor, access):
            raise ProcessingRestricted()


class FieldGuard(FieldExtension):
    def __init__(self, category: CategoryDeclaration) -> None:
        self.category = category

    def _category_of(self, source: Any) -> str:
        if self.category == ROW_CATEGORY:
            row_category = source.guard.category
            assert row_category is not None, f"{type(source).__name__} has no row category"
            return row_category
        return self.category

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        reads = info.context.guard.admit(source.guard, self._category_of(source))
        value = next_(source, info, **kwargs)
        reads.add(info.field_name)
        return value

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        reads = info.context.guard.admit(source.guard, self._category_of(source))
        value = await next_(source, info, **kwargs)
        reads.add(info.field_name)
        return value


def resolve_fields_directly(schema: strawberry.Schema, *, unguarded: bool = False) -> int:
    """Give every guarded field without GraphQL arguments a resolver that does what `FieldGuard`
    does (admit, resolve, record), without strawberry's per-field layers around it: the argument
    conversion, the extension chain and the `Info` it builds for every field whether the
    resolver asks for one or not. A list of 50 cases resolves some 750 guarded fields.

    Same decisions and records as the extension: only the call path is shorter. Fields with
    arguments, or with resolvers that ask for `root`/`parent`, keep strawberry's path (and so
    the extension). With `unguarded`, fields with no extension at all (ids, the objects a case
    links to, a page's edges) get a direct resolver too: their value, got as strawberry gets
    it. Returns how many fields were given the direct resolver."""
    converted = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            direct = _direct_resolver(field, schema, unguarded) if field is not None else None
            if direct is not None:
                graphql_field.resolve = direct
                converted += 1
    return converted


def _direct_resolver(field: StrawberryField, schema: strawberry.Schema, unguarded: bool) -> Any:
    if field.arguments:
        return None
    if unguarded and not field.extensions:
        return value_getter(field, schema)
    if len(field.extensions) != 1:
        return None
    (guard_of,) = field.extensions
    value_of = value_getter(field, schema) if isinstance(guard_of, FieldGuard) else None
    if value_of is None:
        return None

    def resolve(source: Any, info: GraphQLResolveInfo) -> Any:
        reads = info.context.guard.admit(source.guard, guard_of._category_of(source))
        value = value_of(source, info)
        if isawaitable(value):
            return _record_when_resolved(value, reads, info.field_name)
        reads.add(info.field_name)
        return value

    return resolve


def value_getter(field: StrawberryField, schema: strawberry.Schema) -> Any:
    """How the field's value is got from its object, as strawberry would; None where it needs
    more than the object and (optionally) `info`."""
    attribute, method = plain_access(field)
    if attribute is not None:
        return lambda source, _info: getattr(source, attribute)
    if method is not None:
        return lambda source, _info: method(source)
    resolver = field.base_resolver
    if resolver.root_parameter or resolver.parent_parameter or not resolver.self_parameter:
        return None
    function = resolver._unbound_wrapped_func
    info_name = resolver.info_parameter.name
    info_class = schema.config.info_class
    return lambda source, info: function(
        source, **{info_name: info_class(_raw_info=info, _field=field)}
    )


def plain_access(field: StrawberryField) -> tuple[str | None, Callable[[Any], Any] | None]:
    """(attribute, method): the field's value is `getattr(object, attribute)` (no resolver), or
    `method(object)` (a resolver that asks for nothing but `self`); (None, None) otherwise."""
    resolver = field.base_resolver
    if resolver is None:
        return field.python_name, None
    plain = not (resolver.root_parameter or resolver.parent_parameter or resolver.info_parameter)
    if plain and resolver.self_parameter:
        return None, resolver._unbound_wrapped_func
    return None, None


async def _record_when_resolved(value: Awaitable[Any], reads: set[str], field_name: str) -> Any:
    resolved = await value
    reads.add(field_name)
    return resolved


def personal_field(
    category: CategoryDeclaration,
    *,
    description: str | None = None,
    resolver: Callable[..., Any] | None = None,
    name: str | None = None,
) -> Any:
    """Declare a field of personal data: its category, and the guard in front of it.

    The field must be nullable: a read the policy refuses answers null with FORBIDDEN.
    """
    label = category if category == ROW_CATEGORY else DataCategory(category).value
    kwargs: dict[str, Any] = {
        "description": description,
        "extensions": [FieldGuard(category)],
        "directives": [PersonalData(category=label)],
        "name": name,
    }
    if resolver is not None:
        return strawberry.field(resolver=resolver, **kwargs)
    return strawberry.field(**kwargs)


# --- classification of every GraphQL object type (checked by tests/schema/test_guarded_schema.py)

PERSONAL_TYPES: set[type] = set()
PUBLIC_TYPES: dict[type, str] = {}


def personal_type(cls: type | None = None, **type_kwargs: Any) -> Any:
    """A type whose objects are someone's personal data; they carry `guard: GuardTag`."""

    def wrap(target: type) -> type:
        PERSONAL_TYPES.add(target)
        return strawberry.type(target, **type_kwargs)

    return wrap(cls) if cls is not None else wrap


def public_type(reason: str, **type_kwargs: Any) -> Callable[[type], type]:
    """A type that holds no client's personal data; `reason` says why, for the reviewer."""

    def wrap(target: type) -> type:
        PUBLIC_TYPES[target] = reason
        return strawberry.type(target, **type_kwargs)

    return wrap
