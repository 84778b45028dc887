"""The printable Auskunft in English on request (`lang=en` or `Accept-Language: en`): the
document's own words change, the recorded entries stay German and the document says so; German
is the default and the fallback; an unknown `lang` is a typed error."""

from __future__ import annotations

import io

import pypdf
import pytest

from service.access_report.texts import TEXTS, language_of
from tests.scenarios.auskunft_history import MICHAEL, demo_token

ENGLISH = (
    "Information about your data",
    "Who read or changed your data?",
    "Copy of your data",
    "Your rights",
    "Rectification",
    "Complaint",
    "The Federal Commissioner for Data Protection",
    "are given in German",
)
GERMAN = ("Auskunft über Ihre Daten", "Ihre Rechte", "Kopie Ihrer Daten", "Berichtigung")


async def _document(dev_settings, dev_client, query: str = "", **headers):
    auth = await demo_token(dev_settings, "kunde.modemann")
    return await dev_client.get(f"/auskunft/{MICHAEL}{query}", headers={**auth, **headers})


async def test_lang_en_gives_the_documents_own_words_in_english(dev_settings, dev_client):
    response = await _document(dev_settings, dev_client, "?lang=en")

    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == "en"
    assert '<html lang="en">' in response.text
    for text in ENGLISH:
        assert text in response.text, text
    for text in ("Auskunft über Ihre Daten", "Ihre Rechte", "Wozu wir Ihre Daten verarbeiten"):
        assert text not in response.text, text
    assert "Modemann" in response.text


async def test_accept_language_chooses_and_german_is_the_default(dev_settings, dev_client):
    english = await _document(dev_settings, dev_client, **{"Accept-Language": "en-GB,en;q=0.9"})
    german = await _document(dev_settings, dev_client, **{"Accept-Language": "de,en;q=0.5"})
    other = await _document(dev_settings, dev_client, **{"Accept-Language": "fr"})

    assert english.headers["content-language"] == "en"
    assert "Your rights" in english.text
    for response in (german, other):
        assert response.headers["content-language"] == "de"
        assert all(text in response.text for text in GERMAN)


async def test_the_english_pdf(dev_settings, dev_client):
    response = await _document(dev_settings, dev_client, "?lang=en&format=pdf")

    assert response.status_code == 200, response.text
    pdf = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Your rights" in text and "Copy of your data" in text


async def test_an_unknown_language_is_a_typed_error(dev_settings, dev_client):
    response = await _document(dev_settings, dev_client, "?lang=fr")

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "VALIDATION"
    assert error["extensions"]["messageDe"]


@pytest.mark.parametrize(
    ("wanted", "header", "language"),
    [
        (None, None, "de"),
        (None, "en", "en"),
        (None, "EN-us", "en"),
        (None, "de;q=0.4, en;q=0.8", "en"),
        (None, "en;q=0.2, de", "de"),
        (None, "*", "de"),
        (None, "en;q=nonsense", "de"),
        ("de", "en", "de"),
    ],
)
def test_language_of(wanted, header, language):
    assert language_of(wanted, header) == language


def test_both_languages_have_every_text():
    assert TEXTS["de"].keys() == TEXTS["en"].keys()
