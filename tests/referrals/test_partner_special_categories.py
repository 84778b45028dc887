"""Data is classified by what it says, not where it is stored (DESIGN.md, invariant 6): a
profiling note on capacity is health data and one on addiction is addiction data, so a consent
for intake data does not open them; a document of the protected area needs a consent that names
protected-area documents, and an Attest or Befundbericht (health data) its explicit consent."""

from __future__ import annotations

import pytest

from service.cases.vocabulary import AssessmentSubcategory, ProfilingCategory
from tests.cases.factories import CaseFactories
from tests.graphql import post_graphql
from tests.graphql_errors import forbidden_paths
from tests.referral_factories import consent, referral, referral_setting

INTAKE_THROUGH_REFERRAL = """
query PartnerIntake($id: ID!) {
  referral(id: $id) { case { intake { profilingItems { category detail } } } }
}
"""
DOCUMENTS_THROUGH_REFERRAL = """
query PartnerDocuments($id: ID!) {
  referral(id: $id) {
    case { documents { title dataCategory specialCategory content { base64 } } }
  }
}
"""


async def _read(client, tokens, person, document, referral_id):
    response = await post_graphql(
        client, document, headers=tokens.headers(person), variables={"id": str(referral_id)}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _with_profiling(factories):
    setting = await referral_setting(factories)
    cases = CaseFactories(factories)
    items = (
        (ProfilingCategory.CIRCUMSTANCES, "Schulden in unbekannter Höhe.", None),
        (ProfilingCategory.CAPACITY, "Rückenleiden, nur leichte Tätigkeiten.", None),
        (
            ProfilingCategory.CAPACITY,
            "Suchtproblematik (Alkohol), bisher ohne Behandlung.",
            AssessmentSubcategory.ADDICTION,
        ),
    )
    for position, (category, detail, subcategory) in enumerate(items):
        await cases.profiling_item(
            setting.jobcenter, setting.case_id, category, detail, subcategory, position
        )
    return setting, await referral(factories, setting)


def _items(body):
    return body["data"]["referral"]["case"]["intake"]["profilingItems"]


async def test_an_intake_consent_opens_no_profiling_note_on_health_or_addiction(
    client, tokens, factories
):
    setting, referral_id = await _with_profiling(factories)
    await consent(factories, setting, referral_id, "intake")

    body = await _read(client, tokens, setting.counsellor, INTAKE_THROUGH_REFERRAL, referral_id)

    assert _items(body) == [
        {"category": "CIRCUMSTANCES", "detail": "Schulden in unbekannter Höhe."},
        {"category": None, "detail": None},
        {"category": None, "detail": None},
    ]
    items = ("referral", "case", "intake", "profilingItems")
    assert forbidden_paths(body) == {
        (*items, index, field) for index in (1, 2) for field in ("category", "detail")
    }


async def test_explicit_health_consent_opens_the_health_note_and_not_the_addiction(
    client, tokens, factories
):
    setting, referral_id = await _with_profiling(factories)
    await consent(
        factories, setting, referral_id, "intake", "assessment_health", explicit_special=True
    )

    body = await _read(client, tokens, setting.counsellor, INTAKE_THROUGH_REFERRAL, referral_id)

    assert [item["detail"] for item in _items(body)] == [
        "Schulden in unbekannter Höhe.",
        "Rückenleiden, nur leichte Tätigkeiten.",
        None,
    ]


async def test_health_named_without_explicit_consent_keeps_the_note_closed(
    client, tokens, factories
):
    setting, referral_id = await _with_profiling(factories)
    # Past the API's own check (it refuses this), to show the policy holds on its own.
    await consent(factories, setting, referral_id, "intake", "assessment_health")

    body = await _read(client, tokens, setting.counsellor, INTAKE_THROUGH_REFERRAL, referral_id)

    assert _items(body)[1] == {"category": None, "detail": None}


async def _with_documents(factories):
    setting = await referral_setting(factories)
    cases = CaseFactories(factories)
    documents = (
        ("Lebenslauf", "integration", "documents"),
        ("Bericht der Beratungsstelle", "protected", "protected_documents"),
        ("Psychiatrischer Befundbericht", "protected", "assessment_health"),
        ("Ärztliches Attest", "integration", "assessment_health"),
    )
    for title, area, category in documents:
        await cases.document(
            setting.jobcenter,
            setting.case_id,
            setting.case_manager,
            access_until=None,
            content=title.encode(),
            area=area,
            data_category=category,
            title=title,
        )
    return setting, await referral(factories, setting)


def _titles(body):
    documents = body["data"]["referral"]["case"]["documents"]
    return sorted(document["title"] for document in documents if document["title"])


@pytest.mark.parametrize(
    ("categories", "explicit", "readable"),
    [
        (("documents",), False, ["Lebenslauf"]),
        (
            ("documents", "protected_documents"),
            False,
            ["Bericht der Beratungsstelle", "Lebenslauf"],
        ),
        (("documents", "assessment_health"), True, ["Lebenslauf", "Ärztliches Attest"]),
        (
            ("documents", "protected_documents", "assessment_health"),
            True,
            [
                "Bericht der Beratungsstelle",
                "Lebenslauf",
                "Psychiatrischer Befundbericht",
                "Ärztliches Attest",
            ],
        ),
        (
            ("documents", "protected_documents", "assessment_health"),
            False,
            [
                "Bericht der Beratungsstelle",
                "Lebenslauf",
            ],
        ),
    ],
)
async def test_a_partner_reads_the_documents_its_consent_names(
    client, tokens, factories, categories, explicit, readable
):
    setting, referral_id = await _with_documents(factories)
    await consent(factories, setting, referral_id, *categories, explicit_special=explicit)

    body = await _read(client, tokens, setting.counsellor, DOCUMENTS_THROUGH_REFERRAL, referral_id)

    assert _titles(body) == readable
    documents = body["data"]["referral"]["case"]["documents"]
    assert len(documents) == 4
    for document in documents:
        if document["title"] is None:
            assert document == {
                "title": None,
                "dataCategory": None,
                "specialCategory": None,
                "content": {"base64": None},
            }


async def test_the_case_manager_reads_every_document_with_its_classification(
    client, tokens, factories
):
    setting, _ = await _with_documents(factories)
    query = "query($id: ID!) { case(id: $id) { documents { title dataCategory specialCategory } } }"

    body = await _read(client, tokens, setting.case_manager, query, setting.case_id)

    by_title = {d["title"]: d for d in body["data"]["case"]["documents"]}
    assert by_title["Psychiatrischer Befundbericht"] == {
        "title": "Psychiatrischer Befundbericht",
        "dataCategory": "assessment_health",
        "specialCategory": True,
    }
    assert by_title["Lebenslauf"]["specialCategory"] is False
    assert "errors" not in body
