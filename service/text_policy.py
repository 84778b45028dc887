"""One policy for every string the service is given to store: what it refuses, what it
normalises. Used on a request's variables (service/web/request_body.py) and on the string
literals of its document (service/schema/text_rule.py), so no mutation can store text that
bypasses it.

Refused, not stripped: a case record must hold what its author typed, so a character that
cannot be kept is reported (with the field) for the author to remove, never silently dropped.
- NUL and the other control characters but tab, line feed and carriage return (C0, DEL, C1):
  PostgreSQL cannot store NUL, and the rest are invisible in a portal;
- lone surrogates (halves of a UTF-16 pair): no character at all;
- bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and invisible
  spaces and joiners that carry no meaning in German text (U+200B, U+2060–U+2064, U+FEFF): they
  make a name read backwards or two names look alike in a staff portal. The joiners U+200C/D and
  the marks U+200E/F stay: scripts such as Persian and Arabic need them.
Normalised: every string to NFC, so the same name typed on two keyboards is the same name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_REFUSED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
    "\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064\ufeff]"
)


@dataclass(frozen=True, slots=True)
class TextRefused(Exception):
    field: str
    character: str

    @property
    def message(self) -> str:
        return f"{self.field} contains the character {self.codepoint}, which cannot be stored"

    @property
    def message_de(self) -> str:
        return f"{self.field} enthält das Zeichen {self.codepoint}, das nicht gespeichert wird"

    @property
    def codepoint(self) -> str:
        return f"U+{ord(self.character):04X}"


def checked_text(value: str, field: str) -> str:
    """`value` in NFC, or TextRefused naming the field and the first refused character."""
    refused = _REFUSED.search(value)
    if refused is not None:
        raise TextRefused(field, refused.group())
    return unicodedata.normalize("NFC", value)
