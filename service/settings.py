"""One typed settings object, read from the environment once at start.

Every variable is documented in the README ("Settings"). Production mode refuses to start on a
setting that would weaken authentication, rather than falling back to a development default.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})

DEV_ISSUER = "https://dev.casework.invalid/issuer"
DEFAULT_AUDIENCE = "casework-api"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True, slots=True)
class PrometheusEndpoint:
    """Where the metrics are served for scraping: a port of their own, never the API's."""

    host: str
    port: int


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str | None
    """Owner connection (migrations, seeding). None in development mode: the embedded
    PostgreSQL is started; outside it, DATABASE_APP_URL is then required."""
    database_app_url: str | None
    """Runtime connection as the non-owner role. None: derived from the owner URL."""
    database_app_password: str | None
    data_dir: Path
    host: str
    port: int
    development: bool
    token_issuer: str
    token_audience: str
    token_jwks_url: str | None
    token_public_key_file: Path | None
    token_leeway_seconds: int
    db_pool_size: int
    db_pool_timeout_seconds: float
    db_statement_timeout_ms: int
    max_request_bytes: int
    trusted_documents: str
    trusted_documents_file: Path | None
    indicators_min_group_size: int
    """Indicator figures over fewer cases or case managers than this are suppressed."""
    auskunft_dpo_contact: str = ""
    """How the client reaches the data-protection officer (AUSKUNFT_DPO_CONTACT, printed in
    every Auskunft, Art. 15 and 13(1)(b) GDPR); empty: "via the jobcenter's address"."""
    auskunft_link_key: str | None = field(default=None, repr=False)
    """The key download links for the Auskunft are signed with (AUSKUNFT_LINK_KEY, at least 32
    characters; in development mode made in the data folder); None: no links. Never printed."""
    auskunft_link_seconds: int = 600
    """How long a download link works (AUSKUNFT_LINK_SECONDS, 60–3600)."""
    audit_anchor_dir: Path | None = None
    """Where anchors of the chain heads are appended; None: no anchoring."""
    audit_anchor_key_file: Path | None = None
    audit_anchor_key: str | None = field(default=None, repr=False)
    """The Ed25519 signing key as PEM text (instead of a file); never printed."""
    audit_anchor_public_key_file: Path | None = None
    """The published public key that anchors are verified with."""
    audit_anchor_interval_seconds: int = 600
    audit_group_commit: bool = True
    """Reads' records group-committed by one writer a process (AUDIT_GROUP_COMMIT, on/off;
    service/audit/group_commit.py); off: each request commits its own, as writes always do."""
    audit_queue_size: int = 256
    """Read requests waiting for a batch at most (AUDIT_QUEUE_SIZE); one more answers 503."""
    audit_wait_seconds: float = 2.0
    """How long a read request waits for its batch's commit (AUDIT_WAIT_MS) before 503."""
    audit_max_batch: int = 64
    """Requests one batch takes at most (AUDIT_MAX_BATCH)."""
    cors_allowed_origins: tuple[str, ...] = ()
    """Browser origins (portals) allowed to call the API; none by default."""
    log_level: int = logging.INFO
    """The root level of `service serve`'s JSON logs (LOG_LEVEL); the database drivers' loggers
    stay at WARNING whatever it is (service/telemetry/logging.py)."""
    prometheus: PrometheusEndpoint | None = None
    """The Prometheus pull endpoint (OTEL_METRICS_EXPORTER=prometheus); None: off."""
    workers: int = 1
    """Processes `service serve` runs (SERVICE_WORKERS), each with a listening socket of its own
    (service/web/serving.py)."""

    @property
    def embedded_database(self) -> bool:
        return self.development and self.database_url is None

    @property
    def dev_signing_key_file(self) -> Path:
        return self.data_dir / "dev-signing-key.pem"

    @property
    def dev_anchor_key_file(self) -> Path:
        return self.data_dir / "dev-anchor-key.pem"

    @property
    def dev_auskunft_link_key_file(self) -> Path:
        return self.data_dir / "dev-auskunft-link-key"

    @property
    def embedded_pgdata(self) -> Path:
        return self.data_dir / "pg"

    @property
    def graphiql_dir(self) -> Path:
        """GraphiQL's scripts, fetched once from the npm registry (service/web/graphiql.py)."""
        return self.data_dir / "graphiql"


def require_database(settings: Settings) -> None:
    """Outside development mode there is no embedded PostgreSQL to fall back on. Checked where a
    database is needed, not at load: the offline audit check runs with none (README)."""
    if not settings.development and not (settings.database_url or settings.database_app_url):
        raise SettingsError(
            "DATABASE_APP_URL (or DATABASE_URL) is required outside development mode; "
            "SERVICE_DEV_MODE=true runs an embedded PostgreSQL for development"
        )


def require_token_verification(settings: Settings) -> None:
    """What serving needs outside development mode: checked by `serve` and at start of the
    runtime, not at load, so the commands that verify no token (migrate, the offline audit
    check on an outsider's machine) need no identity provider."""
    if settings.development:
        return
    if not settings.token_issuer:
        raise SettingsError("TOKEN_ISSUER is required outside development mode")
    if not (settings.token_jwks_url or settings.token_public_key_file):
        raise SettingsError(
            "TOKEN_JWKS_URL or TOKEN_PUBLIC_KEY_FILE is required outside development mode"
        )


def _flag(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(f"{name} must be one of true/false/1/0/yes/no, not {raw!r}")


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, not {raw!r}") from None


def _choice(env: dict[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    raw = (env.get(name) or default).strip().lower()
    if raw not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, not {raw!r}")
    return raw


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    database_url = env.get("DATABASE_URL") or None
    # Never inferred: a deployment that forgot its database URL must not come up as a demo with
    # an embedded PostgreSQL, development tokens and seeded data (issue 19).
    development = _flag(env, "SERVICE_DEV_MODE", default=False)
    jwks_url = env.get("TOKEN_JWKS_URL") or None
    key_file = env.get("TOKEN_PUBLIC_KEY_FILE") or None
    issuer = env.get("TOKEN_ISSUER") or (DEV_ISSUER if development else "")
    data_dir = Path(env.get("SERVICE_DATA_DIR") or ".data").resolve()
    return Settings(
        database_url=database_url,
        database_app_url=env.get("DATABASE_APP_URL") or None,
        database_app_password=env.get("DATABASE_APP_PASSWORD") or None,
        data_dir=data_dir,
        host=env.get("SERVICE_HOST") or "127.0.0.1",
        port=_int(env, "SERVICE_PORT", 8000),
        development=development,
        token_issuer=issuer,
        token_audience=env.get("TOKEN_AUDIENCE") or DEFAULT_AUDIENCE,
        token_jwks_url=jwks_url,
        token_public_key_file=Path(key_file) if key_file else None,
        token_leeway_seconds=_int(env, "TOKEN_LEEWAY_SECONDS", 30),
        db_pool_size=_int(env, "DB_POOL_SIZE", 10),
        db_pool_timeout_seconds=float(_int(env, "DB_POOL_TIMEOUT_SECONDS", 5)),
        db_statement_timeout_ms=_int(env, "DB_STATEMENT_TIMEOUT_MS", 10_000),
        # Room for one document of 5 MiB, base64-encoded in a JSON body.
        max_request_bytes=_int(env, "MAX_REQUEST_BYTES", 8 * 1024 * 1024),
        trusted_documents=_choice(env, "TRUSTED_DOCUMENTS", ("off", "partners", "all"), "off"),
        trusted_documents_file=Path(env["TRUSTED_DOCUMENTS_FILE"])
        if env.get("TRUSTED_DOCUMENTS_FILE")
        else None,
        indicators_min_group_size=_min_group_size(env),
        cors_allowed_origins=_origins(env),
        auskunft_dpo_contact=(env.get("AUSKUNFT_DPO_CONTACT") or "").strip(),
        log_level=_log_level(env),
        prometheus=_prometheus(env),
        workers=_workers(env),
        **_auskunft_links(env),
        **_anchoring(env, development, data_dir),
        **_group_commit(env),
    )


LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


def _log_level(env: dict[str, str]) -> int:
    name = _choice(env, "LOG_LEVEL", LOG_LEVELS, "info")
    return logging.getLevelNamesMapping()[name.upper()]


METRICS_EXPORTERS = ("otlp", "prometheus", "none")


def _prometheus(env: dict[str, str]) -> PrometheusEndpoint | None:
    # The standard OpenTelemetry variables, so an operations team's usual settings work; the
    # SDK's own reading of them would not refuse a typo, and a typo here means no metrics.
    raw = env.get("OTEL_METRICS_EXPORTER") or "otlp"
    exporters = {word.strip().lower() for word in raw.split(",") if word.strip()}
    if not exporters or not exporters <= set(METRICS_EXPORTERS):
        raise SettingsError(
            f"OTEL_METRICS_EXPORTER takes a list of {', '.join(METRICS_EXPORTERS)}, not {raw!r}"
        )
    if "prometheus" not in exporters:
        return None
    port = _int(env, "OTEL_EXPORTER_PROMETHEUS_PORT", 9464)
    if not 0 < port < 65536:
        raise SettingsError(f"OTEL_EXPORTER_PROMETHEUS_PORT must be 1–65535, not {port}")
    if port == _int(env, "SERVICE_PORT", 8000):
        # Metrics name operations, routes and counts of the whole service: not for the portals.
        raise SettingsError("OTEL_EXPORTER_PROMETHEUS_PORT must differ from SERVICE_PORT")
    host = (env.get("OTEL_EXPORTER_PROMETHEUS_HOST") or "localhost").strip()
    return PrometheusEndpoint(host=host, port=port)


MAX_WORKERS = 64


def _workers(env: dict[str, str]) -> int:
    workers = _int(env, "SERVICE_WORKERS", 1)
    if not 1 <= workers <= MAX_WORKERS:
        raise SettingsError(f"SERVICE_WORKERS must be between 1 and {MAX_WORKERS}, not {workers}")
    if workers > 1 and _prometheus(env) is not None:
        # Each worker has its own registry and the pull endpoint one port: a scrape would see one
        # worker's counts as the whole service's. OTLP pushes every worker's own.
        raise SettingsError(
            "OTEL_METRICS_EXPORTER=prometheus serves one process's metrics: "
            "with SERVICE_WORKERS above 1 use otlp"
        )
    return workers


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def _origins(env: dict[str, str]) -> tuple[str, ...]:
    # Named origins only: a portal that calls the API is known, and "*" would let any page a
    # case manager opens use a token it got hold of. Credentials (cookies) are never allowed.
    origins = tuple(
        o.strip().rstrip("/")
        for o in (env.get("CORS_ALLOWED_ORIGINS") or "").split(",")
        if o.strip()
    )
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise SettingsError(
                f"CORS_ALLOWED_ORIGINS takes origins like https://portal.example, not {origin!r}"
            )
    return origins


def _min_group_size(env: dict[str, str]) -> int:
    # Below 2, a figure could describe a single employee or client (domain/002).
    size = _int(env, "INDICATORS_MIN_GROUP_SIZE", 5)
    if size < 2:
        raise SettingsError(f"INDICATORS_MIN_GROUP_SIZE must be at least 2, not {size}")
    return size


def _auskunft_links(env: dict[str, str]) -> dict:
    # A short key could be guessed offline from one link; a long lifetime turns a link sent by
    # e-mail into a standing credential for the client's whole Auskunft.
    key = env.get("AUSKUNFT_LINK_KEY") or None
    if key is not None and len(key) < 32:
        raise SettingsError("AUSKUNFT_LINK_KEY must be at least 32 characters")
    seconds = _int(env, "AUSKUNFT_LINK_SECONDS", 600)
    if not 60 <= seconds <= 3600:
        raise SettingsError(f"AUSKUNFT_LINK_SECONDS must be between 60 and 3600, not {seconds}")
    return {"auskunft_link_key": key, "auskunft_link_seconds": seconds}


def _group_commit(env: dict[str, str]) -> dict:
    sizes = {
        name: _int(env, name, default)
        for name, default in (
            ("AUDIT_QUEUE_SIZE", 256),
            ("AUDIT_MAX_BATCH", 64),
            ("AUDIT_WAIT_MS", 2000),
        )
    }
    for name, size in sizes.items():
        if size < 1:
            raise SettingsError(f"{name} must be at least 1, not {size}")
    return {
        "audit_group_commit": _flag(env, "AUDIT_GROUP_COMMIT", default=True),
        "audit_queue_size": sizes["AUDIT_QUEUE_SIZE"],
        "audit_max_batch": sizes["AUDIT_MAX_BATCH"],
        "audit_wait_seconds": sizes["AUDIT_WAIT_MS"] / 1000,
    }


def _anchoring(env: dict[str, str], development: bool, data_dir: Path) -> dict:
    # In development mode the chain is anchored into the data folder with a key made there, so
    # `make run` shows anchoring working; outside it only where a directory is configured.
    directory = env.get("AUDIT_ANCHOR_DIR") or (str(data_dir / "anchors") if development else "")
    key_file = env.get("AUDIT_ANCHOR_KEY_FILE") or None
    key = env.get("AUDIT_ANCHOR_KEY") or None
    if directory and not development and not (key_file or key):
        raise SettingsError("AUDIT_ANCHOR_DIR needs AUDIT_ANCHOR_KEY_FILE or AUDIT_ANCHOR_KEY")
    interval = _int(env, "AUDIT_ANCHOR_INTERVAL_SECONDS", 600)
    if interval < 1:
        raise SettingsError(f"AUDIT_ANCHOR_INTERVAL_SECONDS must be at least 1, not {interval}")
    public_key_file = env.get("AUDIT_ANCHOR_PUBLIC_KEY_FILE") or None
    return {
        "audit_anchor_dir": Path(directory).resolve() if directory else None,
        "audit_anchor_key_file": Path(key_file) if key_file else None,
        "audit_anchor_key": key,
        "audit_anchor_public_key_file": Path(public_key_file) if public_key_file else None,
        "audit_anchor_interval_seconds": interval,
    }
