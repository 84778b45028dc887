"""The SQL files of the migrations (`migrations/sql/`), run inside a migration's transaction.

A file holds several statements (a function and its grants; a table with its indexes, policies
and grants). The driver prepares every statement, and a prepared statement holds one command,
so a file runs one statement at a time: each ends with `;` at the end of a line, outside a
dollar-quoted body.
"""

from __future__ import annotations

from service.resources import MIGRATIONS_DIR

SQL_DIR = MIGRATIONS_DIR / "sql"
DOLLAR_QUOTE = "$$"


def sql_statements(script: str) -> list[str]:
    """The statements of `script`, in order, without the empty ones."""
    statements: list[str] = []
    current: list[str] = []
    in_body = False
    for line in script.splitlines():
        current.append(line)
        if line.count(DOLLAR_QUOTE) % 2:
            in_body = not in_body
        stripped = line.strip()
        if not in_body and stripped.endswith(";") and not stripped.startswith("--"):
            statements.append("\n".join(current).strip())
            current = []
    statements.append("\n".join(current).strip())
    return [statement for statement in statements if _has_code(statement)]


def run_sql_file(name: str) -> None:
    """Run `migrations/sql/<name>` in the current migration (Alembic's `op`)."""
    from alembic import op

    for statement in sql_statements((SQL_DIR / name).read_text()):
        op.execute(statement)


def _has_code(statement: str) -> bool:
    lines = (line.strip() for line in statement.splitlines())
    return any(line and not line.startswith("--") for line in lines)
