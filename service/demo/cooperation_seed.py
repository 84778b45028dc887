"""Michael Modemann's Potenzialanalyse and Kooperationsplan (fictional). His case began with an
integration agreement (kept, as migration 0024 keeps real ones, as an Eingliederungsvereinbarung
a. F.); at the six-month review it was continued as a Kooperationsplan under § 15 SGB II (2023),
which he agreed to, with a request to act carrying its advice on legal consequences."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta

from service.cases.cooperation_models import (
    CooperationPlan,
    CooperationRequest,
    PotentialAnalysis,
    PotentialAnalysisItem,
)
from service.cases.cooperation_vocabulary import PLAN_REVIEW_MONTHS, LegalBasis, PlanPosition
from service.cases.models import Case, IntegrationAgreement, PlanItem
from service.cases.vocabulary import SUBCATEGORIES, AssessmentSubcategory
from service.cases.work import plan_snapshot
from service.moments import add_months

ITEMS = (
    ("strength", AssessmentSubcategory.WORK_EXPERIENCE, "Acht Jahre Verkauf im Einzelhandel."),
    ("need", AssessmentSubcategory.DEBTS, "Mietschulden und ein Konsumentenkredit."),
    ("need", AssessmentSubcategory.ADDICTION, "Alkohol; Suchtberatung vereinbart."),
    ("client_view", AssessmentSubcategory.HOUSING, "Erst die Wohnung sichern, dann Arbeit."),
)
PLAIN_TEXT = (
    "Ihr Ziel: wieder im Einzelhandel arbeiten. Zuerst sichern wir Ihre Wohnung und ordnen die "
    "Schulden mit der Schuldnerberatung. Sie gehen zur Suchtberatung. Wir sprechen spätestens in "
    "sechs Monaten gemeinsam darüber, wie es läuft."
)


def cooperation_rows(
    row_id: Callable[..., uuid.UUID],
    case: Case,
    items: list[PlanItem],
    agreement: IntegrationAgreement,
    author: uuid.UUID,
    today: date,
) -> list[list[object]]:
    """Rows in the order their keys need them, one list per flush."""
    assert case.admitted_on is not None
    analysis_id = row_id("potential-analysis", "1")
    continued_on = add_months(case.admitted_on, PLAN_REVIEW_MONTHS)
    analysis = PotentialAnalysis(
        tenant_id=case.tenant_id,
        id=analysis_id,
        case_id=case.id,
        conducted_on=case.admitted_on + timedelta(days=14),
        conducted_by_id=author,
    )
    analysis_items = [
        PotentialAnalysisItem(
            tenant_id=case.tenant_id,
            id=row_id("potential-item", str(position)),
            case_id=case.id,
            analysis_id=analysis_id,
            position=position,
            kind=kind,
            subcategory=subcategory,
            data_category=SUBCATEGORIES[subcategory][1],
            text=text,
        )
        for position, (kind, subcategory, text) in enumerate(ITEMS)
    ]
    old = CooperationPlan(
        tenant_id=case.tenant_id,
        id=agreement.id,
        case_id=case.id,
        number=1,
        legal_basis=LegalBasis.EINGLIEDERUNGSVEREINBARUNG,
        valid_from=agreement.valid_from,
        valid_until=agreement.valid_until,
        superseded_from=continued_on,
        review_due=agreement.valid_until,
        plan=agreement.plan,
        client_position=PlanPosition.AGREED,
        client_position_on=agreement.valid_from,
        drawn_up_by_id=author,
    )
    plan_id = row_id("cooperation-plan", "2")
    current = CooperationPlan(
        tenant_id=case.tenant_id,
        id=plan_id,
        case_id=case.id,
        number=2,
        legal_basis=LegalBasis.KOOPERATIONSPLAN_2023,
        potential_analysis_id=analysis_id,
        valid_from=continued_on,
        review_due=add_months(continued_on, PLAN_REVIEW_MONTHS),
        plain_text=PLAIN_TEXT,
        plan=plan_snapshot(items),
        client_position=PlanPosition.AGREED,
        client_position_on=continued_on,
        drawn_up_by_id=author,
    )
    request = CooperationRequest(
        tenant_id=case.tenant_id,
        id=row_id("cooperation-request", "1"),
        case_id=case.id,
        plan_id=plan_id,
        issued_on=continued_on,
        action="Den Termin bei der Suchtberatung wahrnehmen und die Teilnahme bestätigen lassen.",
        due_on=max(today, continued_on) + timedelta(days=14),
        legal_consequences=(
            "Kommen Sie der Aufforderung ohne wichtigen Grund nicht nach, kann Ihr Bürgergeld "
            "nach § 31a SGB II gemindert werden."
        ),
        issued_by_id=author,
    )
    return [[analysis], [*analysis_items, old], [current], [request]]
