"""The demo flow ends in an Auskunft Michael Modemann can read: after a day in which his case
manager worked on his case and the debt counsellor read his data under his consent, his own
PDF names every reader by role and organisation and every ground, in category words — no
GraphQL field name, no operation name a caller chose, nothing "ohne erkennbare Grundlage" —
and carries his rights and the copy of his data. The data-protection officer's report keeps the
person."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pypdf

from service.schema import schema
from tests.scenarios.auskunft_history import MICHAEL, as_demo, demo_token, michaels_day

AUSKUNFT = """
query Auskunft($clientId: ID!, $from: DateTime!, $to: DateTime!) {
  accessReport(clientId: $clientId, from: $from, to: $to, first: 50) {
    clientName
    readers {
      kind role person organisation
      statements { text ground labels occasions }
      occasions { occasion operation basis consentId reads { label } }
    }
    consents { organisation categories active direction }
    reportReads
  }
}
"""
CALLER_CHOSEN = (
    "CaseOverview",
    "CasePlan",
    "AddActivity",
    "RecordReview",
    "SchuldnerberatungLiestFall",
    "AuskunftDocument",
)


def _period() -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        "from": (now - timedelta(days=1)).isoformat(),
        "to": (now + timedelta(minutes=5)).isoformat(),
    }


def _graphql_field_names() -> set[str]:
    """Every camel-cased field name of the schema's object types (givenName, supersededAt, …)."""
    names = set()
    for definition in schema._schema.type_map.values():
        for name in getattr(definition, "fields", {}) or {}:
            if re.search(r"[a-z][A-Z]", name):
                names.add(name)
    return names


async def test_michaels_pdf_names_readers_and_grounds_in_his_words(dev_settings, dev_client):
    await michaels_day(dev_settings, dev_client)

    response = await dev_client.get(
        f"/auskunft/{MICHAEL}?format=pdf", headers=await demo_token(dev_settings, "kunde.modemann")
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    pdf = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    # Three pages for the Auskunft before it carried the copy of the data (Art. 15(3)), which
    # adds about one and a half for Michael's case; the other demo flows of a run add readers.
    assert len(pdf.pages) <= 5
    for expected in (
        "Ihre Fallmanagerin oder Ihr Fallmanager",
        "Eine Beraterin oder ein Berater der Organisation Schuldnerberatung West",
        "im Rahmen der Fallbearbeitung",
        "auf Grundlage Ihrer Einwilligung vom",
        "Abfrage über die Schnittstelle (nicht registriert)",
        "Diese Auskunft wurde im Zeitraum",
        "Berichtigung",
        "Löschung",
        "Einschränkung",
        "Widerspruch",
        "Beschwerde",
        "Aufsichtsbehörde",
        "Jobcenter Hamburg-Mitte (Demo)",
        "(einschließlich)",
        "Kopie Ihrer Daten",
        "Kundennummer: DEMO-000001",
        "Titel: Lebenslauf",
        "Ihre Zustimmung: zugestimmt",
        "Netzwerkpartner: Suchtberatung Nord (Demo)",
    ):
        assert expected in text, expected
    assert "ohne erkennbare Grundlage" not in text
    assert "Ärztliches Attest" not in text  # the protected area is not in the copy
    assert "vom Partner an das Jobcenter" not in text
    assert "Frauke" not in text and "Königstein" not in text  # staff by role, not by name
    for name in CALLER_CHOSEN:
        assert name not in text, name
    leaked = {name for name in _graphql_field_names() if name in text}
    assert leaked == set()


async def test_auskunft_lists_the_debt_counsellors_reads_for_the_dpo_and_for_michael(
    dev_settings, dev_client
):
    await michaels_day(dev_settings, dev_client)

    for asker in ("dsb.wagner", "kunde.modemann"):
        body = await as_demo(
            dev_settings, dev_client, asker, AUSKUNFT, clientId=MICHAEL, **_period()
        )

        report = body["data"]["accessReport"]
        assert report["clientName"] == "Michael Modemann"
        (counsellor,) = [reader for reader in report["readers"] if reader["kind"] == "PARTNER"]
        assert counsellor["organisation"] == "Schuldnerberatung West e. V. (Demo)"
        assert counsellor["role"] == "eine Beraterin oder ein Berater"
        under_consent = [o for o in counsellor["occasions"] if o["consentId"] is not None]
        assert under_consent
        assert {o["occasion"] for o in under_consent} == {
            "Abfrage über die Schnittstelle (nicht registriert)"
        }
        assert "Identität" in {read["label"] for o in under_consent for read in o["reads"]}
        assert any(
            "Identität" in statement["labels"]
            and statement["ground"].startswith("auf Grundlage Ihrer Einwilligung vom")
            for statement in counsellor["statements"]
        )
        assert any(
            consent["organisation"] == "Schuldnerberatung West e. V. (Demo)" and consent["active"]
            for consent in report["consents"]
        )
        assert all(
            consent["direction"] != "vom Partner an das Jobcenter" for consent in report["consents"]
        )
        # Other demo stories of this run may have had other staff read Michael's data too.
        case_managers = [
            r for r in report["readers"] if r["role"] == "Ihre Fallmanagerin oder Ihr Fallmanager"
        ]
        persons = {r["person"] for r in case_managers}
        if asker == "kunde.modemann":
            assert persons == {"Ihre Fallmanagerin oder Ihr Fallmanager"}
            assert {o["operation"] for o in counsellor["occasions"]} == {None}
        else:  # the data-protection officer keeps the person, and the name the caller chose
            assert "Frauke Königstein" in persons
            assert "AuskunftDocument" in {o["operation"] for o in counsellor["occasions"]}
        assert "abgerufen" in report["reportReads"]
