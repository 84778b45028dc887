"""Anchors catch what the chain alone cannot: an owner who shortens a lane and resets its head,
deletes a jobcenter's whole log, or deletes only its head rows. After an anchor, each is named
by jobcenter, lane and the anchored record no longer reached — against the database and, from
an export, without it. An anchor changed or made without the key is named too."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from service.app import create_app
from service.audit.anchoring import anchor_now, anchor_periodically
from service.audit.anchors import AnchorDirectory, Head
from service.audit.export import write_export
from service.audit.offline import verify_export
from service.audit.recorder import append
from service.audit.verify import anchored_heads, verify_all
from service.identity.roles import Role
from service.runtime import start_runtime
from tests.audit.chains import request_reads
from tests.graphql import post_graphql

SHORTENED = (
    "DELETE FROM audit_entries WHERE tenant_id = :t AND lane = 0 AND seq = 3",
    "DELETE FROM audit_requests WHERE tenant_id = :t AND lane = 0 AND seq = 3",
    "UPDATE audit_chain_heads h SET seq = r.seq, hash = r.hash FROM audit_requests r"
    " WHERE h.tenant_id = :t AND h.lane = 0 AND r.tenant_id = :t AND r.lane = 0 AND r.seq = 2",
)
JOBCENTER_GONE = (
    "DELETE FROM audit_entries WHERE tenant_id = :t",
    "DELETE FROM audit_requests WHERE tenant_id = :t",
    "DELETE FROM audit_chain_heads WHERE tenant_id = :t",
)
HEADS_GONE = ("DELETE FROM audit_chain_heads WHERE tenant_id = :t",)

# (statements, what verification says after "lane 0: anchored record 3 (anchor 1, <time>) ")
TAMPERINGS = {
    "untouched": ((), None),
    "newest-link-dropped-head-reset": (
        SHORTENED,
        "is no longer reached: the chain ends at record 2",
    ),
    "jobcenter-log-deleted": (JOBCENTER_GONE, "is no longer reached: the chain ends at record 0"),
    "head-rows-deleted": (HEADS_GONE, "is no longer reached: the lane has no chain head"),
}
AUDIT_VERIFICATION = (
    "{ auditVerification { intact recordsChecked firstBrokenRecord problem lastAnchoredAt"
    " reachesLastAnchor } }"
)


@pytest.fixture
def anchor_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def store(tmp_path) -> AnchorDirectory:
    return AnchorDirectory(tmp_path / "anchors")


@pytest.fixture
async def anchored_chain(factories, owner, runtime, store, anchor_key):
    """A jobcenter with three requests in lane 0, anchored by the service's own role."""
    jobcenter = await factories.jobcenter()
    async with owner.begin() as conn:
        events = [e for n in range(3) for e in request_reads(jobcenter.id, n)]
        await append(conn, events)
    await anchor_now(runtime.database.engine, store, anchor_key)
    return jobcenter.id


async def _tamper(engine, statements, tenant_id) -> None:
    async with engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement), {"t": tenant_id})


def _anchored(store, key):
    check = store.check(key.public_key())
    assert check.intact, check.problem
    return anchored_heads(check.anchors)


async def _verify_with_database(owner, tenant_id, anchored):
    async with owner.connect() as conn:
        reports = await verify_all(conn, anchored)
    return next(r for r in reports if r.tenant_id == tenant_id)


def _expect(report, ending):
    if ending is None:
        assert (report.intact, report.records_checked) == (True, 3)
        return
    assert (report.first_broken_lane, report.first_broken_seq) == (0, 3)
    assert report.problem.startswith("lane 0: anchored record 3 (anchor 1, ")
    assert report.problem.endswith(ending)


@pytest.mark.parametrize("tampering", TAMPERINGS.values(), ids=TAMPERINGS.keys())
async def test_verification_names_the_anchored_record_no_longer_reached(
    anchored_chain, owner, store, anchor_key, tampering
):
    statements, ending = tampering
    await _tamper(owner, statements, anchored_chain)

    report = await _verify_with_database(owner, anchored_chain, _anchored(store, anchor_key))

    _expect(report, ending)


@pytest.mark.parametrize("tampering", TAMPERINGS.values(), ids=TAMPERINGS.keys())
async def test_an_export_is_verified_against_the_anchors_without_the_database(
    anchored_chain, owner, store, anchor_key, tampering, tmp_path
):
    statements, ending = tampering
    await _tamper(owner, statements, anchored_chain)
    export = tmp_path / "export.jsonl"
    async with owner.connect() as conn:
        with export.open("w") as out:
            await write_export(conn, out, [anchored_chain], everyone=False)

    (report,) = verify_export(export, _anchored(store, anchor_key))

    _expect(report, ending)


async def test_without_anchors_a_shortened_lane_looks_intact(anchored_chain, owner):
    # What issue 16 found: the chain alone cannot tell.
    await _tamper(owner, SHORTENED, anchored_chain)

    report = await _verify_with_database(owner, anchored_chain, None)

    assert (report.intact, report.records_checked) == (True, 2)


async def test_without_anchors_a_deleted_log_is_not_even_listed(anchored_chain, owner):
    await _tamper(owner, JOBCENTER_GONE, anchored_chain)

    async with owner.connect() as conn:
        reports = await verify_all(conn)

    assert anchored_chain not in {report.tenant_id for report in reports}


async def test_a_changed_anchor_does_not_verify(anchored_chain, store, anchor_key):
    # The owner shortened the lane, then edited the anchor to say 2 records, without the key.
    (path,) = store.path.iterdir()
    sealed = json.loads(path.read_bytes())
    for jobcenter in sealed["anchor"]["jobcenters"]:
        if jobcenter["id"] == str(anchored_chain):
            jobcenter["lanes"][0][1] = 2
    path.chmod(0o644)
    path.write_text(json.dumps(sealed))

    check = store.check(anchor_key.public_key())

    assert (check.anchors, check.problem) == (
        (),
        "anchor 1 (anchor-00000001.json): signature does not verify with the published key",
    )


async def test_an_anchor_made_with_another_key_is_named(anchored_chain, store, anchor_key, runtime):
    forger = Ed25519PrivateKey.generate()
    await anchor_now(runtime.database.engine, store, forger)

    check = store.check(anchor_key.public_key())

    (first,) = check.anchors
    assert first.number == 1
    assert check.problem.startswith("anchor 2 (anchor-00000002.json): signed by key ")
    assert check.problem.endswith(f"not by the published key {first.key}")


async def test_an_anchor_claiming_the_published_key_but_signed_by_another_does_not_verify(
    store, anchor_key
):
    forger = Ed25519PrivateKey.generate()
    store.append([], anchor_key, datetime.now(UTC))
    forged = store.append([], forger, datetime.now(UTC))
    path = store.path / "anchor-00000002.json"
    sealed = json.loads(path.read_bytes())
    sealed["anchor"]["key"] = store.check(anchor_key.public_key()).anchors[0].key
    path.chmod(0o644)
    path.write_text(json.dumps(sealed))

    check = store.check(anchor_key.public_key())

    assert forged.number == 2
    assert check.problem == (
        "anchor 2 (anchor-00000002.json): signature does not verify with the published key"
    )


async def test_a_removed_anchor_between_two_is_named(store, anchor_key):
    for _ in range(3):
        store.append([], anchor_key, datetime.now(UTC))
    (store.path / "anchor-00000002.json").unlink()

    check = store.check(anchor_key.public_key())

    assert ([a.number for a in check.anchors], check.problem) == ([1], "anchor 2 is missing")


async def test_each_anchor_hashes_the_one_before(store, anchor_key):
    heads = [Head(uuid.uuid4(), 0, 1, b"\x01" * 32)]
    first = store.append(heads, anchor_key, datetime.now(UTC))
    store.append(heads, anchor_key, datetime.now(UTC))
    # Anchor 1 replaced by another validly signed one: anchor 2 no longer follows it.
    replacement = AnchorDirectory(store.path.parent / "elsewhere")
    replacement.append([], anchor_key, first.made_at)
    (store.path / "anchor-00000001.json").chmod(0o644)
    (store.path / "anchor-00000001.json").write_bytes(
        (replacement.path / "anchor-00000001.json").read_bytes()
    )

    check = store.check(anchor_key.public_key())

    assert check.problem == (
        "anchor 2 (anchor-00000002.json): does not follow the anchor before it (its hash differs)"
    )


async def test_the_service_anchors_periodically(runtime, store, anchor_key, factories, owner):
    import asyncio

    jobcenter = await factories.jobcenter()
    async with owner.begin() as conn:
        await append(conn, request_reads(jobcenter.id, 1))

    task = asyncio.create_task(
        anchor_periodically(runtime.database.engine, store, anchor_key, interval=0.05)
    )
    try:
        for _ in range(200):
            await asyncio.sleep(0.05)
            # The directory appears with the first anchor; under load the first look may be
            # earlier than that.
            if store.path.exists() and len(store.check(anchor_key.public_key()).anchors) >= 2:
                break
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    check = store.check(anchor_key.public_key())
    assert check.intact and len(check.anchors) >= 2
    lanes = anchored_heads(check.anchors)[jobcenter.id]
    assert sum(head.seq for heads in lanes.values() for head in heads) >= 1


@pytest.fixture
async def anchoring_client(settings, tmp_path):
    """The API of a service whose chain heads are anchored (AUDIT_ANCHOR_DIR, a key file)."""
    key_file = tmp_path / "anchor-key.pem"
    key_file.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    anchored_settings = dataclasses.replace(
        settings, audit_anchor_dir=tmp_path / "anchors", audit_anchor_key_file=key_file
    )
    runtime = await start_runtime(anchored_settings)
    transport = httpx.ASGITransport(app=create_app(anchored_settings, runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http, runtime
    await runtime.close()


async def test_the_data_protection_officer_sees_the_last_anchor_and_whether_it_is_reached(
    anchoring_client, factories, owner, tokens
):
    client, runtime = anchoring_client
    jobcenter = await factories.jobcenter()
    dpo = await factories.staff(jobcenter, Role.DATA_PROTECTION_OFFICER)
    async with owner.begin() as conn:
        events = [e for n in range(3) for e in request_reads(jobcenter.id, n)]
        await append(conn, events)
    headers = tokens.headers(dpo)

    before = await post_graphql(client, AUDIT_VERIFICATION, headers=headers)
    anchoring = runtime.anchoring
    anchor = await anchor_now(runtime.database.engine, anchoring.store, anchoring.private_key)
    reached = await post_graphql(client, AUDIT_VERIFICATION, headers=headers)
    await _tamper(owner, SHORTENED, jobcenter.id)
    shortened = await post_graphql(client, AUDIT_VERIFICATION, headers=headers)

    assert before.json()["data"]["auditVerification"] == {
        "intact": True,
        "recordsChecked": 3,
        "firstBrokenRecord": None,
        "problem": None,
        "lastAnchoredAt": None,
        "reachesLastAnchor": None,
    }
    assert reached.json()["data"]["auditVerification"] == {
        "intact": True,
        "recordsChecked": 3,
        "firstBrokenRecord": None,
        "problem": None,
        "lastAnchoredAt": anchor.made_at.isoformat(),
        "reachesLastAnchor": True,
    }
    answer = shortened.json()["data"]["auditVerification"]
    assert (answer["intact"], answer["reachesLastAnchor"], answer["firstBrokenRecord"]) == (
        False,
        False,
        3,
    )
    assert answer["problem"].startswith(f"lane 0: anchored record 3 (anchor {anchor.number}, ")
    assert answer["problem"].endswith("is no longer reached: the chain ends at record 2")
