"""Where the files the service reads beside its package are: `policies.polar`, `migrations/` and
`schema.graphql` — at the repository's root, one level above `service/`, in a checkout or an
editable install. An image that installs the package as a wheel (site-packages) keeps them
elsewhere and names the folder in SERVICE_RESOURCES_DIR (deploy/Dockerfile: /app). Read once at
import, like the package's own location: where the code's files lie is the installation's
shape, not a setting of a running service."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("SERVICE_RESOURCES_DIR") or Path(__file__).resolve().parents[1])
POLICY_FILE = ROOT / "policies.polar"
MIGRATIONS_DIR = ROOT / "migrations"
SCHEMA_FILE = ROOT / "schema.graphql"
