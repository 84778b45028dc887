"""The Auskunft's room and what may import what (issue 14): the access report is a report over
the domains, above them and below `schema/` and `web/`; the audit below it knows nothing of it;
and the built schema is imported by no module but the CLI, so the field categories the report
needs are handed down (service/app.py), never fetched back up."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[2] / "service"
# Until schema/ids.py moves to a low module (service/ids.py, issue 14, in parallel): the one
# thing the report may take from schema/.
ALLOWED_FROM_ABOVE = {"service.schema.ids", "service.ids"}


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at its top or late inside a function; `from a import b`
    as `a` and as `a.b` (b may be a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _room(name: str) -> dict[str, set[str]]:
    return {
        str(path.relative_to(SERVICE.parent)): _imports(path)
        for path in sorted((SERVICE / name).rglob("*.py"))
    }


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def test_the_access_report_imports_nothing_from_schema_or_web():
    offending = {
        path: sorted(
            module
            for module in modules
            if (_under(module, "service.schema") or _under(module, "service.web"))
            and not any(_under(module, allowed) for allowed in ALLOWED_FROM_ABOVE)
        )
        for path, modules in _room("access_report").items()
    }

    assert {path: found for path, found in offending.items() if found} == {}


def test_the_audit_imports_nothing_of_the_access_report():
    offending = {
        path: sorted(m for m in modules if _under(m, "service.access_report"))
        for path, modules in _room("audit").items()
    }

    assert {path: found for path, found in offending.items() if found} == {}


def test_no_module_but_the_cli_imports_the_built_schema():
    importers = {
        str(path.relative_to(SERVICE.parent))
        for path in SERVICE.rglob("*.py")
        if "service.schema.schema" in _imports(path)
    }

    assert importers <= {"service/cli.py"}
