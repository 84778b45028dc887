"""GraphiQL without the internet (development mode only).

Strawberry's GraphiQL page loads React and GraphiQL from a CDN (unpkg), so in a closed network —
a jobcenter's often is — it shows only "Loading...". The same files from the npm registry,
served from this origin, work: their bytes are the CDN's, so the page's integrity (SRI) hashes
still hold (FIELD-NOTES.md). `service graphiql-assets` fetches them once into the data folder
(`make run` does); the page then points at `/graphiql/assets/…`. Without them the page says how
to get them instead of hanging.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tarfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import httpx
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from strawberry.http.ides import get_graphql_ide_html

from service.web.responses import error_response

CDN = re.compile(r"https://unpkg\.com/((?:@[\w.-]+/)?[\w.-]+)@([\w.-]+)/([\w./-]+)")
ASSET_ROUTE = "/graphiql/assets"
DEFAULT_REGISTRY = "https://registry.npmjs.org"
# The header editor starts with the one header every request needs.
HEADER_HINT = '{"Authorization": "Bearer <a token: service token USER>"}'


@dataclass(frozen=True, slots=True)
class Asset:
    package: str
    version: str
    path: str  # inside the package

    @property
    def local(self) -> str:
        return f"{self.package}@{self.version}/{self.path}"


@cache
def cdn_page() -> str:
    return get_graphql_ide_html(graphql_ide="graphiql")


@cache
def assets() -> tuple[Asset, ...]:
    """The files the page loads, read off the page itself: a strawberry upgrade brings its own."""
    return tuple(dict.fromkeys(Asset(*match) for match in CDN.findall(cdn_page())))


def offline_page(folder: Path) -> str:
    """The page with every CDN address replaced by this origin's; or, if the files are not in
    `folder`, a page that says how to fetch them."""
    missing = [asset for asset in assets() if not (folder / asset.local).is_file()]
    if missing:
        return _how_to_fetch(len(missing))
    page = CDN.sub(lambda m: f"{ASSET_ROUTE}/{m[1]}@{m[2]}/{m[3]}", cdn_page())
    return page.replace(
        "React.useState(parameters.headers)",
        f"React.useState(parameters.headers || {HEADER_HINT!r})",
    )


def asset_response(folder: Path, request: Request) -> Response:
    """One of the page's own files, and nothing else (no path is joined from the request)."""
    wanted = request.path_params["path"]
    for asset in assets():
        if asset.local == wanted and (folder / asset.local).is_file():
            media = "text/css" if asset.path.endswith(".css") else "text/javascript"
            return FileResponse(folder / asset.local, media_type=media)
    return error_response(404, "NOT_FOUND", "no such GraphiQL file")


def fetch_assets(folder: Path, registry: str = DEFAULT_REGISTRY) -> int:
    """Fetch each package's tarball once from the npm registry, check it against the
    registry's sha512 integrity, and keep only the files the page loads. Returns how many
    files were written."""
    written = 0
    with httpx.Client(timeout=30, follow_redirects=True) as http:
        for package, version in dict.fromkeys((a.package, a.version) for a in assets()):
            wanted = [a for a in assets() if (a.package, a.version) == (package, version)]
            if all((folder / a.local).is_file() for a in wanted):
                continue
            meta = http.get(f"{registry}/{package}/{version}").raise_for_status().json()
            tarball = http.get(meta["dist"]["tarball"]).raise_for_status().content
            _check_integrity(package, tarball, meta["dist"]["integrity"])
            with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
                for asset in wanted:
                    member = archive.extractfile(f"package/{asset.path}")
                    if member is None:
                        raise ValueError(f"{package}@{version} has no {asset.path}")
                    target = folder / asset.local
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(member.read())
                    written += 1
    return written


def _check_integrity(package: str, content: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise ValueError(f"{package}: the registry gives no sha512 integrity ({algorithm})")
    actual = base64.b64encode(hashlib.sha512(content).digest()).decode()
    if actual != expected:
        raise ValueError(f"{package}: the tarball does not match the registry's integrity")


def _how_to_fetch(missing: int) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>GraphiQL</title>"
        "</head><body><h1>GraphiQL's files are not here yet</h1>"
        f"<p>{missing} of the page's scripts and styles are missing. Its usual page loads them "
        "from the internet (unpkg), which a closed network does not reach; this service serves "
        "them itself once fetched from the npm registry:</p>"
        "<pre>.venv/bin/service graphiql-assets</pre>"
        "<p>(<code>make run</code> does this.) Meanwhile any GraphQL client works: POST to "
        "this address with <code>Authorization: Bearer &lt;token&gt;</code> "
        "(<code>service token USER</code>).</p></body></html>"
    )
