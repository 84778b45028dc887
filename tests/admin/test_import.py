"""The bulk import: a jobcenter brings its clients over from its old system in one file, all or
nothing, and a bad file comes back with the rows and columns to correct (issue 18)."""

from __future__ import annotations

import base64

import orjson

from tests.admin.conftest import clients_of, owner_rows
from tests.graphql_errors import errors_by_path

IMPORT = """
mutation ImportClients($input: ImportClientsInput!) {
  importClients(input: $input) {
    imported clientIds
    rejected { row field code message messageDe }
    errors { field code }
  }
}"""

GOOD_CSV = (
    "customer_number;household_community_number;given_name;family_name;date_of_birth;"
    "postal_code;household_size;children_in_household\n"
    "962D300001;96201BG0300001;Jana;Importfeld;14.03.1979;20095;2;1\n"
    '962D300002;;"Ole, jun.";Importfeld;1990-12-01;;;\n'
    "\n"
)


async def run_import(office, content: str, file_format: str = "CSV", **extra):
    body = await office.as_(
        office.admin, IMPORT, input={"content": content, "format": file_format, **extra}
    )
    return body, (body.get("data") or {}).get("importClients")


async def test_a_good_csv_file_is_imported_whole(office, owner_url):
    body, report = await run_import(office, GOOD_CSV)

    assert "errors" not in body, body
    assert report["imported"] == 2 and report["rejected"] == [] and len(report["clientIds"]) == 2
    stored = await clients_of(owner_url, office.jobcenter)
    assert [row["customer_number"] for row in stored] == ["962D300001", "962D300002"]
    writes = await owner_rows(
        owner_url,
        "SELECT count(*) AS n FROM audit_records WHERE tenant_id = :t AND action = 'write'"
        " AND operation = 'ImportClients'",
        t=office.jobcenter.id,
    )
    assert writes == [{"n": 2}]


async def test_one_bad_row_stores_nothing_and_the_report_names_row_and_column(office, owner_url):
    bad = GOOD_CSV.replace("1990-12-01", "31.02.1990") + "962D300003;;Kai;;;;;\n"

    _, report = await run_import(office, bad)

    assert report["imported"] == 0 and report["clientIds"] == []
    assert [(r["row"], r["field"], r["code"]) for r in report["rejected"]] == [
        (3, "date_of_birth", "VALIDATION"),
        (5, "family_name", "VALIDATION"),
    ]
    assert all("31.02" not in r["message"] + r["messageDe"] for r in report["rejected"])
    assert await clients_of(owner_url, office.jobcenter) == []


async def test_numbers_taken_or_repeated_are_conflicts(office, owner_url):
    await run_import(office, GOOD_CSV)
    again = GOOD_CSV.replace("962D300001", "962D300009").replace("962D300002", "962D300009")
    taken = GOOD_CSV.replace("962D300002", "962D300008")

    _, repeated = await run_import(office, again)
    _, conflicting = await run_import(office, taken)

    assert [(r["row"], r["field"], r["code"]) for r in repeated["rejected"]] == [
        (3, "customer_number", "CONFLICT")
    ]
    assert [(r["row"], r["code"]) for r in conflicting["rejected"]] == [(2, "CONFLICT")]
    assert len(await clients_of(owner_url, office.jobcenter)) == 2


async def test_json_as_base64_is_imported(office, owner_url):
    document = [
        {"customer_number": "962D400001", "given_name": "Mia", "family_name": "Jsonberg"},
        {
            "customer_number": "962D400002",
            "given_name": "Tom",
            "family_name": "Jsonberg",
            "household_size": 4,
        },
    ]
    content = base64.b64encode(orjson.dumps(document)).decode()

    _, report = await run_import(office, content, "JSON", encoding="BASE64")

    assert report["imported"] == 2, report


async def test_files_that_cannot_be_read_are_refused_whole(office, owner_url):
    refusals = {
        "an unknown column": (
            "customer_number,given_name,family_name,shoe_size\n1,A,B,42\n",
            "shoe_size",
        ),
        "a missing column": ("customer_number,given_name\n1,A\n", "family_name"),
        "nothing but a header": ("customer_number,given_name,family_name\n", None),
    }
    for what, (content, field) in refusals.items():
        _, report = await run_import(office, content)
        (rejected,) = report["rejected"]
        assert (rejected["row"], rejected["field"]) == (1, field), what
    hidden = base64.b64encode(
        "customer_number,given_name,family_name\n1,A\u202e,B\n".encode()
    ).decode()
    _, encoded = await run_import(office, hidden, encoding="BASE64")
    assert [(r["row"], r["field"]) for r in encoded["rejected"]] == [(2, "given_name")]
    assert await clients_of(owner_url, office.jobcenter) == []


async def test_only_the_administration_imports(office, owner_url):
    body, _ = await run_import_as(office, office.placement_officer)

    assert errors_by_path(body) == {("importClients",): "FORBIDDEN"}
    assert await clients_of(owner_url, office.jobcenter) == []


async def run_import_as(office, person):
    body = await office.as_(person, IMPORT, input={"content": GOOD_CSV, "format": "CSV"})
    return body, None
