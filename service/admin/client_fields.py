"""A client's master data as the administration enters it: which fields there are, and what each
may hold. One set of rules for the form (registerClient, updateClient) and the bulk import, so a
row the import accepts is one the form would have accepted.

Problems name the field and say what is wrong, never the value (they reach logs and reports).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from service.audit.writes import camel
from service.errors import UserError

# The columns of `clients` the administration keeps, in the order of the import's header.
FIELDS: Final = (
    "customer_number",
    "household_community_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "street",
    "postal_code",
    "city",
    "phone",
    "email",
    "household_size",
    "children_in_household",
)
REQUIRED: Final = frozenset({"customer_number", "given_name", "family_name"})
DATES: Final = frozenset({"date_of_birth"})
NUMBERS: Final = frozenset({"household_size", "children_in_household"})

_LIMITS: Final = {
    "customer_number": 20,
    "household_community_number": 20,
    "given_name": 100,
    "family_name": 100,
    "street": 200,
    "postal_code": 5,
    "city": 100,
    "phone": 40,
    "email": 254,
}
# Numbers of the Bundesagentur (Kundennummer, e.g. 123D456789; BG-Nummer, e.g. 12345BG0012345)
# and of the systems jobcenters come from (zkT): letters, digits and separators, no spaces. Not
# pinned to one format: the 104 zkT run their own software (their numbers differ).
_NUMBER: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9/-]*")
_POSTAL_CODE: Final = re.compile(r"[0-9]{5}")  # Postleitzahl, Germany
_PHONE: Final = re.compile(r"\+?[0-9][0-9 ()/-]*")
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_PATTERNS: Final = {
    "customer_number": (
        _NUMBER,
        "letters, digits, '-' and '/' only",
        "nur Buchstaben, Ziffern, '-' und '/'",
    ),
    "household_community_number": (
        _NUMBER,
        "letters, digits, '-' and '/' only",
        "nur Buchstaben, Ziffern, '-' und '/'",
    ),
    "postal_code": (_POSTAL_CODE, "five digits", "fünf Ziffern"),
    "phone": (
        _PHONE,
        "digits, spaces, '+', '/', '-' and brackets",
        "Ziffern, Leerzeichen, '+', '/', '-' und Klammern",
    ),
    "email": (_EMAIL, "an e-mail address", "eine E-Mail-Adresse"),
}
EARLIEST_BIRTH: Final = date(1900, 1, 1)
MAX_HOUSEHOLD: Final = 30  # people in one Bedarfsgemeinschaft; more is a typing error


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with one field (its column name), without its value."""

    field: str
    message: str
    message_de: str
    code: str = "VALIDATION"

    def as_error(self) -> UserError:
        return UserError(camel(self.field), self.code, self.message, self.message_de)


def checked(
    values: Mapping[str, Any], *, today: date, complete: bool
) -> tuple[dict[str, Any], list[Problem]]:
    """The values as they will be stored (texts trimmed, empty texts None), and every problem.
    `complete`: a new client, so the required fields must be there; otherwise only the fields
    given are checked (an update)."""
    cleaned: dict[str, Any] = {}
    problems: list[Problem] = []
    for name in FIELDS:
        if name not in values and not complete:
            continue
        value = values.get(name)
        if isinstance(value, str):
            value = value.strip() or None
        problem = _problem(name, value, today)
        if problem is not None:
            problems.append(problem)
        else:
            cleaned[name] = value
    size, children = cleaned.get("household_size"), cleaned.get("children_in_household")
    if size is not None and children is not None and children >= size:
        problems.append(
            Problem(
                "children_in_household",
                "fewer children than people in the household",
                "weniger Kinder als Personen in der Bedarfsgemeinschaft",
            )
        )
    return cleaned, problems


def _problem(name: str, value: Any, today: date) -> Problem | None:
    if value is None:
        return Problem(name, "required", "Pflichtangabe") if name in REQUIRED else None
    if name in DATES:
        if not EARLIEST_BIRTH <= value <= today:
            return Problem(
                name, "between 1900 and today", "zwischen 1900 und heute", code="VALIDATION"
            )
        return None
    if name in NUMBERS:
        low = 1 if name == "household_size" else 0
        if not low <= value <= MAX_HOUSEHOLD:
            return Problem(
                name, f"between {low} and {MAX_HOUSEHOLD}", f"zwischen {low} und {MAX_HOUSEHOLD}"
            )
        return None
    limit = _LIMITS[name]
    if len(value) > limit:
        return Problem(name, f"at most {limit} characters", f"höchstens {limit} Zeichen erlaubt")
    pattern = _PATTERNS.get(name)
    if pattern is not None and not pattern[0].fullmatch(value):
        return Problem(name, pattern[1], pattern[2])
    return None
