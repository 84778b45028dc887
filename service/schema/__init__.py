"""The GraphQL schema, assembled from one small Query (and later Mutation) class per domain.

Each domain keeps its types, queries, mutations and dataloaders in its own folder here; this
module only joins them and fixes the schema-wide extensions.
"""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.tools import merge_types

from service.policy.coverage import declared_categories, guard_violations
from service.policy.guard import PersonalData, resolve_fields_directly
from service.schema.access_report.mutations import AccessReportMutation
from service.schema.access_report.queries import AccessReportQuery
from service.schema.admin.mutations import AdminMutation
from service.schema.admin.queries import AdminQuery
from service.schema.audit.queries import AuditQuery
from service.schema.cases.cooperation_mutations import CooperationMutation
from service.schema.cases.mutations import CasesMutation
from service.schema.cases.plan_mutations import PlanChangesMutation
from service.schema.cases.queries import CasesQuery
from service.schema.clients.mutations import ClientPrivacyMutation
from service.schema.clients.queries import ClientViewQuery
from service.schema.consent.mutations import ConsentMutation
from service.schema.consent.queries import ConsentQuery
from service.schema.diary.mutations import DiaryMutation
from service.schema.diary.queries import DiaryQuery
from service.schema.document_limits import MAX_ALIASES, MAX_COST, MAX_DEPTH, DocumentLimitsRule
from service.schema.errors import ErrorShaping, OperationNaming
from service.schema.identity.queries import IdentityQuery
from service.schema.indicators.queries import IndicatorsQuery
from service.schema.parsing import DocumentCache
from service.schema.partners.queries import PartnersQuery
from service.schema.referrals.mutations import ReferralMutation
from service.schema.referrals.queries import ReferralQuery
from service.schema.scalars import SCALAR_MAP
from service.schema.text_rule import TextPolicyRule
from service.telemetry.graphql import OperationTelemetry
from service.telemetry.resolvers import ResolverSpans

Query = merge_types(
    "Query",
    (
        IdentityQuery,
        CasesQuery,
        PartnersQuery,
        ReferralQuery,
        ConsentQuery,
        IndicatorsQuery,
        AuditQuery,
        AccessReportQuery,
        ClientViewQuery,
        AdminQuery,
        DiaryQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        CasesMutation,
        CooperationMutation,
        PlanChangesMutation,
        ReferralMutation,
        ConsentMutation,
        ClientPrivacyMutation,
        AdminMutation,
        DiaryMutation,
        AccessReportMutation,
    ),
)


class CaseworkSchema(strawberry.Schema):
    field_categories: dict[str, dict[str, str]]
    """GraphQL type → field → declared data category, set by build_schema: handed down to what
    reads the audit log (the Auskunft), so that no module imports the built schema."""

    def process_errors(self, errors, execution_context=None) -> None:
        # Strawberry would log every error with the document around it, and documents can carry
        # personal data as literals. ErrorShaping logs faults, by id and stack only.
        return None


class _ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution context, which lets go of its async helpers once the response
    is built: they hold the context's own bound methods, a reference cycle that kept every
    request's execution (a generic case list: ≈ 1,200 objects) for the collector."""

    def build_response(self, data):
        try:
            return super().build_response(data)
        finally:
            self.async_helpers = None


class UnguardedPersonalData(RuntimeError):
    """A field of personal data would bypass the guard: the service must not start."""


# The token limit applies while parsing; depth, aliases and cost in one linear pass after it.
MAX_TOKENS = 3000
__all__ = ["MAX_ALIASES", "MAX_COST", "MAX_DEPTH", "MAX_TOKENS", "build_schema", "schema"]


class DocumentLimits(AddValidationRules):
    """The limits and the text policy for literals, as validation rules made once:
    ValidationCache keys on the rules, so rule classes made per request (as strawberry's
    limiters make them) defeat it — 2.3 ms a request, measured."""

    RULES = (DocumentLimitsRule, TextPolicyRule)

    def __init__(self) -> None:
        super().__init__(list(self.RULES))


def build_schema(*, introspection: bool = True, resolver_spans: bool = False) -> CaseworkSchema:
    """The schema; without introspection outside development mode (the SDL is published as
    schema.graphql instead)."""
    limits = [
        # The token limit applies while parsing, before any other work is done.
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        DocumentLimits,
    ]
    if not introspection:
        limits.append(DisableIntrospection)
    if resolver_spans:
        limits.append(ResolverSpans)
    built = CaseworkSchema(
        query=Query,
        mutation=Mutation,
        schema_directives=[PersonalData],
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        execution_context_class=_ExecutionContext,
        extensions=[
            OperationTelemetry,  # outermost: its span covers parsing, validation and execution
            # Parsing and validation were half of a small request's time (FIELD-NOTES.md).
            DocumentCache,
            lambda: ValidationCache(maxsize=256),
            *limits,
            ErrorShaping,
            OperationNaming,
        ],
    )
    problems = guard_violations(built)
    if problems:
        raise UnguardedPersonalData("; ".join(problems))
    # Resolver spans wrap strawberry's resolvers: with them on, unguarded fields keep theirs.
    resolve_fields_directly(built, unguarded=not resolver_spans)
    built.field_categories = declared_categories(built)
    return built


schema = build_schema()
