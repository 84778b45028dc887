"""Each SQL function lives in one file of migrations/sql/functions/, named after it, and the
database holds exactly the functions those files define (a later migration that changes one
edits its file and runs it again; migrations/README.md)."""

from __future__ import annotations

import re

from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.db.sql_files import SQL_DIR, sql_statements

DEFINES = re.compile(r"^CREATE OR REPLACE FUNCTION (\w+)\(", re.MULTILINE)
FUNCTION_FILES = sorted((SQL_DIR / "functions").glob("*.sql"))
DATABASE_FUNCTIONS = text(
    "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY proname"
)


def test_each_function_file_defines_the_one_function_it_is_named_after():
    defined = {path.stem: DEFINES.findall(path.read_text()) for path in FUNCTION_FILES}

    assert "audit_append" in defined
    assert {name: functions for name, functions in defined.items() if functions != [name]} == {}


async def test_the_database_holds_the_functions_of_the_files_and_no_other(owner_url):
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        functions = list(await conn.scalars(DATABASE_FUNCTIONS))
    await engine.dispose()

    assert functions == [path.stem for path in FUNCTION_FILES]


def test_a_script_splits_at_statement_ends_and_keeps_a_function_body_whole():
    script = (
        "-- a comment;\n"
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\n"
        "BEGIN\n    RETURN 1;\nEND\n$$;\n\n"
        "GRANT EXECUTE ON FUNCTION f() TO casework_app;\n"
    )

    statements = sql_statements(script)

    assert len(statements) == 2
    assert statements[0].rstrip().endswith("$$;") and "RETURN 1;" in statements[0]
    assert statements[1] == "GRANT EXECUTE ON FUNCTION f() TO casework_app;"
