"""GraphQL fields take their data category from the map (DESIGN.md, invariant 6): where a
personal field shows a stored column of personal data under the same name, its declared
category is the column's (or both are the row's). A column moved to another category in the map
without its field — or the other way round — fails here."""

from __future__ import annotations

from service.policy.data_map import ROW, classification_of
from service.policy.guard import ROW_CATEGORY, FieldGuard
from service.schema import schema
from service.tables import all_tables

# GraphQL type → the table whose rows it shows.
TYPE_TABLES = {
    "Client": "clients",
    "Case": "cases",
    "Intake": "cases",
    "ProfilingItem": "case_profiling_items",
    "AssessmentEntry": "assessment_entries",
    "Goal": "plan_items",
    "SubGoal": "plan_items",
    "Activity": "plan_items",
    "IntegrationAgreement": "integration_agreements",
    "CaseReview": "case_reviews",
    "AftercareNote": "aftercare_notes",
    "PotentialAnalysis": "potential_analyses",
    "PotentialAnalysisItem": "potential_analysis_items",
    "CooperationPlan": "cooperation_plans",
    "CooperationPlanReview": "cooperation_plan_reviews",
    "Conciliation": "conciliations",
    "CooperationRequest": "cooperation_requests",
    "Document": "case_documents",
    "Referral": "referrals",
    "ReferralStatusChange": "referral_status_changes",
    "ProgressReport": "progress_reports",
    "Consent": "consents",
}


def _field_categories(type_name: str) -> dict[str, str]:
    definition = schema.get_type_by_name(type_name)
    categories = {}
    for field in definition.fields:
        guards = [e for e in field.extensions if isinstance(e, FieldGuard)]
        if guards:
            categories[field.python_name] = str(guards[0].category)
    return categories


def test_every_listed_type_exists_and_shows_some_columns():
    for type_name, table in TYPE_TABLES.items():
        columns = set(all_tables().tables[table].columns.keys())
        assert set(_field_categories(type_name)) & columns, type_name


def test_a_field_showing_a_column_has_the_column_s_category():
    mismatches = []
    for type_name, table_name in TYPE_TABLES.items():
        table = all_tables().tables[table_name]
        for name, category in _field_categories(type_name).items():
            if name not in table.columns:
                continue
            mapped = classification_of(table.columns[name])
            if not mapped.personal:
                continue  # guarding what is no personal data under a category costs nothing
            expected = ROW_CATEGORY if mapped.category == ROW else str(mapped.category)
            if category != expected:
                mismatches.append(f"{type_name}.{name}: field {category}, map {expected}")

    assert mismatches == []
