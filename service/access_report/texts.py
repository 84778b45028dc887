"""The printable Auskunft's fixed texts, German first and English on request (`lang=en` or
`Accept-Language: en`). Only the document's own words change: what the audit recorded — the
sentences about each reader, category and field labels, coded values — stays in German, and the
English document says so."""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("de", "en")

TEXTS: Mapping[str, Mapping[str, str]] = {
    "de": {
        "title": "Auskunft",
        "heading": "Auskunft über Ihre Daten",
        "law": "nach Art. 15 DSGVO und § 83 SGB X",
        "for_client": "Für:",
        "controller": "Verantwortlich:",
        "dpo": "Datenschutzbeauftragte/r:",
        "period": "Zeitraum:",
        "until": "bis",
        "inclusive": "(einschließlich)",
        "issued": "Ausgestellt am:",
        "german_entries": "",
        "readers": "Wer hat Ihre Daten gelesen oder geändert?",
        "readers_note": "Genannt ist, wer wann auf welcher Grundlage welche Art von Daten "
        "gelesen oder geändert hat — nicht der Inhalt. Mitarbeitende nennen wir nach ihrer "
        "Aufgabe, nicht mit Namen.",
        "occasion": "Anlass:",
        "nobody": "Im Zeitraum hat niemand Ihre Daten gelesen oder geändert.",
        "recipients": "Empfänger: an wen Daten gehen durften",
        "recipient": "Empfänger",
        "purpose": "Wozu",
        "which_data": "Welche Daten",
        "your_consent": "Ihre Einwilligung",
        "state": "Stand",
        "deputy": "die benannte Vertretung Ihrer Fallmanagerin oder Ihres Fallmanagers",
        "of": "vom",
        "valid_until": "bis",
        "revoked_on": "widerrufen am",
        "in_effect": "wirksam",
        "not_in_effect": "nicht wirksam",
        "no_consent": "Sie haben keine Einwilligung erteilt; Daten gehen an niemanden außerhalb "
        "des Jobcenters.",
        "referred_to": "Sie wurden vermittelt an:",
        "on": "am",
        "copy_heading": "Kopie Ihrer Daten",
        "copy_note": "Alle Angaben über Sie, die Sie auch selbst im Portal lesen können (Art. 15 "
        "Abs. 3 DSGVO), nach Art der Angaben. Dokumente sind mit ihrem Titel genannt.",
        "copy_empty": "Über Sie sind keine Angaben gespeichert, die Sie lesen können.",
        "purposes": "Wozu wir Ihre Daten verarbeiten",
        "storage": "Wie lange wir Ihre Daten speichern",
        "rights": "Ihre Rechte",
        "rights_intro": "Sie haben das Recht,",
        "contact": "Wenden Sie sich dazu an {controller} oder die Datenschutzbeauftragte bzw. "
        "den Datenschutzbeauftragten ({dpo}).",
        "issued_by": "Ausgestellt am {day} von {controller}. Zeiten in deutscher Ortszeit.",
        "yes": "ja",
        "no": "nein",
    },
    "en": {
        "title": "Access report",
        "heading": "Information about your data",
        "law": "under Art. 15 GDPR and § 83 SGB X (German Social Code, Book X)",
        "for_client": "For:",
        "controller": "Controller:",
        "dpo": "Data protection officer:",
        "period": "Period:",
        "until": "to",
        "inclusive": "(inclusive)",
        "issued": "Issued on:",
        "german_entries": "The entries below — who read or changed which of your data, and the "
        "copy of your data — are given in German, in the words they were recorded in.",
        "readers": "Who read or changed your data?",
        "readers_note": "Named is who read or changed which kind of data, when and on what "
        "ground — not the content. Staff are named by their task, not by name.",
        "occasion": "Occasion:",
        "nobody": "Nobody read or changed your data in this period.",
        "recipients": "Recipients: to whom data could go",
        "recipient": "Recipient",
        "purpose": "Purpose",
        "which_data": "Which data",
        "your_consent": "Your consent",
        "state": "Status",
        "deputy": "the named stand-in for your case manager",
        "of": "of",
        "valid_until": "until",
        "revoked_on": "revoked on",
        "in_effect": "in effect",
        "not_in_effect": "not in effect",
        "no_consent": "You have given no consent; no data goes to anyone outside the jobcenter.",
        "referred_to": "You were referred to:",
        "on": "on",
        "copy_heading": "Copy of your data",
        "copy_note": "Everything about you that you can read yourself in the portal (Art. 15(3) "
        "GDPR), by kind of record. Documents are named by their title.",
        "copy_empty": "Nothing is stored about you that you can read.",
        "purposes": "Why we process your data",
        "storage": "How long we keep your data",
        "rights": "Your rights",
        "rights_intro": "You have the right to",
        "contact": "To exercise them, contact {controller} or its data protection officer ({dpo}).",
        "issued_by": "Issued on {day} by {controller}. Times in German local time.",
        "yes": "yes",
        "no": "no",
    },
}


def language_of(wanted: str | None, accept_language: str | None) -> str:
    """`lang=` if given (the caller validates it), else the Accept-Language header's preferred
    one of ours, else German."""
    if wanted:
        return wanted
    best, best_q = "de", 0.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        language = tag.strip().lower().split("-")[0]
        q = _quality(params)
        if language in LANGUAGES and q > best_q:
            best, best_q = language, q
    return best


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0
