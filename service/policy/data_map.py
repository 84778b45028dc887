"""The one map of personal data (DESIGN.md, invariant 6): every stored column that holds a
client's data is classified once, where the column is declared, with `info=` of its
`mapped_column`:

    intake_reasoning: Mapped[str | None] = mapped_column(Text, info=free_text(INTAKE))

A classification says which data category the column belongs to (or that the row says it, in
its `data_category` column), whether that is special-category data (Art. 9 GDPR, derived from the
category), whether it is free text, and what erasure does to it. Keys (primary and foreign key
columns) are classified by being keys: erasure keeps them so references and the audit chain
hold. Everything else derives from here: erasure walks it (service/clients/erasure.py), and
tests/db/test_data_map.py walks PostgreSQL's catalog and fails on a column of a table with a
client's data that the map does not classify.

Data is classified by what it says, not where it is stored: a profiling note on capacity is
health data (domain/001: Leistungsfähigkeit), so such tables carry the category per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import Column, MetaData, Table

from service.policy.categories import SPECIAL_CATEGORIES, DataCategory

INFO_KEY: Final = "data_map"
ROW: Final = "row"
"""The category is the row's own, in its `data_category` column (assessment entries, profiling
items, documents): set from the content when the row is written."""


class Erasure(StrEnum):
    """What erasure (Art. 17 GDPR) does to a column of the client's rows."""

    BLANK = "blank"  # NULL, or the type's empty value where the column is NOT NULL
    REPLACE = "replace"  # a placeholder computed from the row's key (a unique customer number)
    KEEP = "keep"  # kept: says nothing of the person once their identity and texts are gone


@dataclass(frozen=True, slots=True)
class Classification:
    category: DataCategory | str | None  # None: not personal data (`reason` says why)
    free_text: bool = False
    erasure: Erasure = Erasure.KEEP
    reason: str = ""
    replacement_sql: str | None = None  # for REPLACE: an SQL expression over the row

    @property
    def personal(self) -> bool:
        return self.category is not None

    @property
    def special(self) -> bool:
        """Art. 9 data by its column's category; ROW columns are special where the row says."""
        return self.category in SPECIAL_CATEGORIES

    def __post_init__(self) -> None:
        if self.category is None and not self.reason:
            raise ValueError("a column that is not personal data needs the reason why")
        if self.free_text and self.erasure is Erasure.KEEP:
            raise ValueError("free text about a person cannot survive their erasure")
        if (self.erasure is Erasure.REPLACE) != (self.replacement_sql is not None):
            raise ValueError("REPLACE needs its replacement, and only REPLACE has one")


def _info(classification: Classification) -> dict[str, Any]:
    return {INFO_KEY: classification}


def free_text(category: DataCategory | str) -> dict[str, Any]:
    """Free text about the client: blanked on erasure."""
    return _info(Classification(category, free_text=True, erasure=Erasure.BLANK))


def identifying(category: DataCategory | str) -> dict[str, Any]:
    """A value that identifies or describes the person (a name, a birth date): blanked."""
    return _info(Classification(category, erasure=Erasure.BLANK))


def replaced(category: DataCategory | str, replacement_sql: str) -> dict[str, Any]:
    """Identifying, but the row needs a value (a unique key of its own): replaced."""
    return _info(
        Classification(category, erasure=Erasure.REPLACE, replacement_sql=replacement_sql)
    )


def kept(category: DataCategory | str, why: str) -> dict[str, Any]:
    """Personal data that erasure keeps (a status, a code, a date): `why` it may stay."""
    return _info(Classification(category, erasure=Erasure.KEEP, reason=why))


def not_personal(why: str) -> dict[str, Any]:
    """Not a client's data (a version counter, a row's own bookkeeping): `why`."""
    return _info(Classification(None, reason=why))


KEY = Classification(None, reason="a key: kept so that references and the audit chain hold")


def classification_of(column: Column) -> Classification | None:
    """The column's classification; keys are classified by being keys."""
    declared = column.info.get(INFO_KEY)
    if declared is not None:
        return declared
    if column.primary_key or column.foreign_keys:
        return KEY
    return None


def client_tables(metadata: MetaData) -> list[Table]:
    """The tables that hold a client's data: `clients`, and every table whose foreign keys lead
    to it (a case, its plan, a referral's reports, a consent's revocation, …)."""
    holding = {"clients"}
    tables = list(metadata.sorted_tables)
    changed = True
    while changed:
        changed = False
        for table in tables:
            if table.name not in holding and any(
                fk.column.table.name in holding
                for fk in table.foreign_keys
                if fk.column.table is not table
            ):
                holding.add(table.name)
                changed = True
    return [table for table in tables if table.name in holding]


def unclassified_columns(metadata: MetaData) -> list[str]:
    """`table.column` for every column of a client table the map does not classify."""
    return [
        f"{table.name}.{column.name}"
        for table in client_tables(metadata)
        for column in table.columns
        if classification_of(column) is None
    ]
