"""Every span name, metric name and attribute key the service emits, in one place.

Attributes carry ids (actor, tenant, organisation), operation names, codes and counts — never
names, free texts, variable values or GraphQL documents. A test runs the demo flows and fails if
any of those appear (tests/telemetry/test_no_personal_data.py).
"""

from __future__ import annotations

from typing import Final

INSTRUMENTATION_SCOPE: Final = "casework-service"
DEFAULT_SERVICE_NAME: Final = "casework-service"

# --- spans
SPAN_GRAPHQL_OPERATION: Final = "graphql.operation"  # renamed to "query Name" once parsed
SPAN_POLICY_IS_ALLOWED: Final = "policy.is_allowed"
SPAN_POLICY_READABLE_CATEGORIES: Final = "policy.readable_categories"
SPAN_AUDIT_APPEND: Final = "audit.append"
SPAN_RESOLVE: Final = "graphql.resolve"  # renamed to "resolve Type.field"; sampled requests only

# --- metrics
METRIC_HTTP_REQUESTS: Final = "casework.http.requests"
METRIC_HTTP_DURATION: Final = "http.server.request.duration"
METRIC_GRAPHQL_OPERATIONS: Final = "casework.graphql.operations"
METRIC_GRAPHQL_DURATION: Final = "casework.graphql.operation.duration"
METRIC_POLICY_DECISIONS: Final = "casework.policy.decisions"
METRIC_AUDIT_RECORDS: Final = "casework.audit.records"
METRIC_AUDIT_FAILURES: Final = "casework.audit.write_failures"
METRIC_DB_CONNECTIONS: Final = "db.client.connection.count"
METRIC_AUDIT_PARTITION_MONTHS: Final = "casework.audit.partition_months_ahead"

# --- attribute keys (OpenTelemetry semantic conventions where one exists)
HTTP_METHOD: Final = "http.request.method"
HTTP_METHOD_ORIGINAL: Final = "http.request.method_original"  # when the method is _OTHER
HTTP_ROUTE: Final = "http.route"
HTTP_STATUS: Final = "http.response.status_code"
URL_SCHEME: Final = "url.scheme"
URL_PATH: Final = "url.path"  # spans only (ids in paths); never the query string
NETWORK_PROTOCOL_VERSION: Final = "network.protocol.version"
REQUEST_ID: Final = "casework.request.id"

GRAPHQL_OPERATION_NAME: Final = "graphql.operation.name"
GRAPHQL_OPERATION_TYPE: Final = "graphql.operation.type"
GRAPHQL_OUTCOME: Final = "casework.graphql.outcome"  # ok | error
GRAPHQL_ERRORS: Final = "casework.graphql.errors"
GRAPHQL_FIELD_DEPTH: Final = "casework.graphql.field.depth"

ACTOR_KIND: Final = "casework.actor.kind"
ACTOR_ID: Final = "casework.actor.id"
TENANT_ID: Final = "casework.tenant.id"
ORGANISATION_ID: Final = "casework.organisation.id"

FIELDS_READ: Final = "casework.fields.read"
OBJECTS_READ: Final = "casework.objects.read"
FIELDS_WRITTEN: Final = "casework.fields.written"
POLICY_QUESTIONS: Final = "casework.policy.questions"

POLICY_ACTION: Final = "casework.policy.action"
POLICY_RESOURCE: Final = "casework.policy.resource"  # a class name, e.g. Access or Case
POLICY_RELATIONS: Final = "casework.policy.relations"  # relation codes, e.g. consent_grantee
POLICY_DECISION: Final = "casework.policy.decision"  # allowed | denied
POLICY_CACHED: Final = "casework.policy.cached"  # answered from memory, Oso not asked
POLICY_CATEGORIES_ALLOWED: Final = "casework.policy.categories_allowed"

AUDIT_RECORDS: Final = "casework.audit.records"
AUDIT_FIELDS: Final = "casework.audit.fields"

DB_SYSTEM: Final = "db.system.name"
DB_NAMESPACE: Final = "db.namespace"
DB_OPERATION: Final = "db.operation.name"
DB_QUERY_TEXT: Final = "db.query.text"
DB_ERROR_CODE: Final = "db.response.status_code"  # the SQLSTATE
DB_POOL_NAME: Final = "db.client.connection.pool.name"
DB_CONNECTION_STATE: Final = "db.client.connection.state"  # used | idle
ERROR_TYPE: Final = "error.type"

# --- histogram buckets, in seconds: the semantic conventions' advice for
# http.server.request.duration. The SDK's default buckets (0, 5, 10 … 10000) are meant for
# milliseconds: every duration recorded in seconds fell into the first one (FIELD-NOTES.md).
DURATION_BUCKETS_SECONDS: Final = (
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
)  # fmt: skip

# --- values
OTHER_METHOD: Final = "_OTHER"
ALLOWED: Final = "allowed"
DENIED: Final = "denied"
OUTCOME_OK: Final = "ok"
OUTCOME_ERROR: Final = "error"
ANONYMOUS_OPERATION: Final = "anonymous"
UNNAMEABLE_OPERATION: Final = "invalid_name"
