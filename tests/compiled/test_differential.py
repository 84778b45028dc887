"""The compiled path and the generic path answer alike: every registered document, run by
every kind of actor through both (tests/compiled/conftest.py), gives byte-identical response
bodies, the same status and media type, and equal audit records. A compiler bug fails here,
not in production as a leak."""

from __future__ import annotations

import gc
import uuid

import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.audit.verify import verify_tenant
from service.web.manifests import document_id
from tests.compiled.conftest import CONSENTS
from tests.compiled.corpus import (
    ALL_CASE_FIELDS,
    CASE_LIST,
    COMPILED,
    FIXED,
    GENERATED,
    NOT_COMPILED,
    PAGED,
    PARTNER_REFERRALS,
)

RECORD_COLUMNS = (
    "tenant_id, entry, operation, action, actor_kind, actor_id, actor_organisation_id,"
    " subject_id, object_type, object_id, fields, basis"
)

VARIABLES = ({"first": 50}, {"first": 2}, {"first": 0})


@pytest.fixture(scope="module")
async def owner(owner_url):
    """One connection as the owner, to read every request's records (RLS would hide them)."""
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        yield conn
    await engine.dispose()


async def _records(owner, request_id: str) -> list[tuple]:
    rows = await owner.execute(
        text(
            f"SELECT {RECORD_COLUMNS} FROM audit_records WHERE request_id = :r"
            " ORDER BY tenant_id, entry"
        ),
        {"r": request_id},
    )
    await owner.commit()  # a fresh snapshot for the next request's records
    return [tuple(row) for row in rows]


async def _ask(http, tokens, person, document, variables, accept=None):
    request_id = str(uuid.uuid4())
    headers = {**tokens.headers(person), "X-Request-Id": request_id}
    if accept:
        headers["Accept"] = accept
    response = await http.post(
        "/graphql", json={"query": document, "variables": variables}, headers=headers
    )
    return response, request_id


async def _same_answer(compiled_http, generic_http, owner, tokens, person, document, variables):
    compiled, compiled_id = await _ask(compiled_http, tokens, person, document, variables)
    generic, generic_id = await _ask(generic_http, tokens, person, document, variables)
    assert compiled.content == generic.content, document
    assert compiled.status_code == generic.status_code
    assert _headers(compiled) == _headers(generic)
    assert await _records(owner, compiled_id) == await _records(owner, generic_id), document
    return compiled.json() if compiled.status_code == 200 else {}


def _headers(response) -> list[tuple[bytes, bytes]]:
    """Every header line, repeated ones too (a second Content-Length breaks HTTP clients), but
    the request's own id."""
    return sorted(
        (name.lower(), value)
        for name, value in response.headers.raw
        if name.lower() != b"x-request-id"
    )


def test_the_corpus_compiles_and_what_it_must_not_does_not(compiled_http):
    plans = compiled_http.app.state.graphql.compiled
    assert all(plans.plan_for(document_id(document), document) for document in COMPILED)
    assert len(COMPILED) >= 50
    for document in NOT_COMPILED:
        assert plans.plan_for(document_id(document), document) is None, document


ACTORS = (
    "case manager (own and deputy cases)",
    "colleague",
    "team lead",
    "client",
    "restricted client",
    "partner",
    "counsellor (consents of every kind)",
    "referring case manager",
    "referred client",
)


def _documents_for(actor: str) -> tuple[str, ...]:
    """Every fixed document, and a share of the generated corpus in turn, so that each
    generated document runs once: the whole corpus for every actor took 90 s on the shared
    2-core machine. The documents left to the generic path run once, for the first actor."""
    index = ACTORS.index(actor)
    left_to_generic = NOT_COMPILED if index == 0 else ()
    return (*FIXED, *left_to_generic, *GENERATED[index :: len(ACTORS)])


@pytest.mark.parametrize("actor", ACTORS)
async def test_every_registered_document_answers_alike(
    compiled_http, generic_http, owner, tokens, case_list_world, actor
):
    person = case_list_world.actors()[actor]
    for document in _documents_for(actor):
        await _same_answer(
            compiled_http, generic_http, owner, tokens, person, document, VARIABLES[0]
        )


async def test_the_lists_meet_forbidden_and_restricted_fields(
    compiled_http, generic_http, owner, tokens, case_list_world
):
    # The differential test proves little on lists that only hold readable fields.
    ask = (compiled_http, generic_http, owner, tokens)
    cases = await _same_answer(*ask, case_list_world.team_lead, ALL_CASE_FIELDS, VARIABLES[0])
    referrals = await _same_answer(
        *ask, case_list_world.referrals.counsellor, PARTNER_REFERRALS, {}
    )

    assert _codes(cases) == {"FORBIDDEN", "RESTRICTED"}
    assert _codes(referrals) == {"FORBIDDEN"}
    assert len(referrals["data"]["referrals"]["edges"]) == len(CONSENTS)
    refused = {tuple(error["path"][-2:]) for error in referrals["errors"]}
    assert {("client", "phone"), ("assessment", "health")} <= refused


@pytest.mark.parametrize("path", ("compiled", "generic"))
async def test_a_list_leaves_nothing_for_the_collector(
    compiled_http, generic_http, tokens, case_list_world, path
):
    """Everything a list request made is freed as it ends, not by Python's collector: the
    request's loaders, its context and graphql-core's execution context each held a reference
    cycle that kept the whole request (≈ 1,100 objects a 50-case list) until a collection.
    Only the test client's own response and stream are left in one."""
    http = compiled_http if path == "compiled" else generic_http
    asked = (
        (case_list_world.team_lead, ALL_CASE_FIELDS, VARIABLES[0]),
        (case_list_world.referrals.counsellor, PARTNER_REFERRALS, {}),
    )
    for person, document, variables in asked:
        await _ask(http, tokens, person, document, variables)  # caches warm
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for person, document, variables in asked:
            response, _ = await _ask(http, tokens, person, document, variables)
            assert response.status_code == 200
            assert response.json()["data"]
        gc.collect()
        left = {type(o).__module__ for o in gc.garbage if not _the_clients(o)}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()

    assert left == set()


def _the_clients(thing: object) -> bool:
    """httpx's response and its stream refer to each other, and through them what the test
    client received: its headers, bytes and request."""
    return type(thing).__module__.split(".")[0] in ("httpx", "builtins", "h11")


def _codes(answer: dict) -> set[str]:
    return {error["extensions"]["code"] for error in answer.get("errors", [])}


@pytest.mark.parametrize("variables", (*VARIABLES[1:], {"first": "many"}, {"after": "broken"}))
async def test_pages_and_bad_input_answer_alike(
    compiled_http, generic_http, owner, tokens, case_list_world, variables
):
    await _same_answer(
        compiled_http, generic_http, owner, tokens, case_list_world.case_manager, PAGED, variables
    )


async def test_the_next_page_answers_alike(
    compiled_http, generic_http, owner, tokens, case_list_world
):
    person = case_list_world.case_manager
    first = await _same_answer(
        compiled_http, generic_http, owner, tokens, person, PAGED, {"first": 3}
    )
    after = first["data"]["cases"]["pageInfo"]["endCursor"]
    await _same_answer(
        compiled_http, generic_http, owner, tokens, person, PAGED, {"first": 3, "after": after}
    )


async def test_graphql_response_media_type_answers_alike(
    compiled_http, generic_http, owner, tokens, case_list_world
):
    accept = "application/graphql-response+json"
    person = case_list_world.team_lead
    compiled, _ = await _ask(compiled_http, tokens, person, PAGED, {"first": 5}, accept)
    generic, _ = await _ask(generic_http, tokens, person, PAGED, {"first": 5}, accept)
    assert (compiled.status_code, compiled.headers["content-type"], compiled.content) == (
        generic.status_code,
        generic.headers["content-type"],
        generic.content,
    )


async def test_the_bench_documents_run_compiled(
    compiled_http, tokens, case_list_world, monkeypatch
):
    async def no_generic_path(request):
        raise AssertionError("the generic path ran a compiled document")

    monkeypatch.setattr(compiled_http.app.state.graphql, "run", no_generic_path)
    for person, document in (
        (case_list_world.case_manager, CASE_LIST),
        (case_list_world.referrals.counsellor, PARTNER_REFERRALS),
    ):
        response, _ = await _ask(compiled_http, tokens, person, document, VARIABLES[0])

        assert response.status_code == 200, response.text
        assert response.json()["data"]


async def test_the_chains_both_paths_wrote_verify(
    compiled_http, generic_http, owner, tokens, case_list_world
):
    """What both paths appended (every test above, group-committed reads among them) is one
    intact chain per jobcenter: `service audit verify`'s walk, over this module's
    jobcenters."""
    person = case_list_world.case_manager
    for http in (compiled_http, generic_http):  # at least one request of each, whatever ran
        await _ask(http, tokens, person, CASE_LIST, VARIABLES[0])
    jobcenters = {case_list_world.jobcenter.id, case_list_world.referrals.jobcenter.id}

    reports = [await verify_tenant(owner, jobcenter) for jobcenter in sorted(jobcenters)]
    await owner.commit()

    assert [(report.intact, report.problem) for report in reports] == [(True, None)] * len(reports)
    assert all(report.records_checked > 0 for report in reports)
