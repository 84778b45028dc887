"""The rooms of the house and what may import what (docs/architecture.md), enforced over the
imports of every module — late imports inside functions included — as Warehouse enforces its
layering with tools, not review (STYLE.md)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVICE = Path(__file__).resolve().parents[1] / "service"

# Lowest first. A room may import its own modules and any room in a lower layer, never a higher
# one: the foundation knows no domain, the domains know no GraphQL, HTTP or report over them,
# and what spans the domains (the Auskunft, signing in, the registry of tables) sits above them.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset(
        {
            "errors",
            "ids",
            "moments",
            "paging",
            "settings",
            "text_policy",
            "caller",
            "resources",
            "key_files",
        }
        | {"db", "tenants", "identity", "telemetry", "policy", "audit"}
    ),
    frozenset(
        {"staff", "partners", "clients", "consent", "cases", "referrals", "diary"}
        | {"indicators", "admin"}
    ),
    frozenset({"access_report", "sign_in", "tables"}),
    frozenset({"schema", "compiled", "web", "demo", "runtime", "app", "cli"}),
)


def _room(module: str) -> str:
    """`service.cases.models` → `cases`; `service.errors` → `errors`."""
    return module.split(".")[1]


def _layer(room: str) -> int:
    for index, rooms in enumerate(LAYERS):
        if room in rooms:
            return index
    raise AssertionError(f"room {room!r} is in no layer: add it to LAYERS and docs/architecture.md")


def _module_of(path: Path) -> str:
    parts = path.relative_to(SERVICE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    """Every service module `path` imports, wherever in the file the import stands."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("service."):
                yield node.module
                # `from service.audit import recorder` imports the module service.audit.recorder
                yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.startswith("service."))


def _edges() -> dict[str, set[str]]:
    modules = {_module_of(path): path for path in SERVICE.rglob("*.py")}
    return {
        module: {
            imported
            for imported in _imports(path)
            if imported in modules or imported.rpartition(".")[0] not in modules
        }
        for module, path in modules.items()
    }


def test_every_room_is_in_a_layer():
    rooms = {_room(module) for module in _edges() if module != "service"}
    for room in sorted(rooms):
        _layer(room)


def test_no_room_imports_a_higher_one():
    upward = sorted(
        f"{module} → {imported}"
        for module, imported_modules in _edges().items()
        if module != "service"
        for imported in imported_modules
        if _layer(_room(imported)) > _layer(_room(module))
    )
    assert upward == []


@pytest.mark.parametrize("room", ["policy", "audit", "db"])
def test_the_foundation_imports_no_domain(room):
    domains = LAYERS[1] | LAYERS[2]
    found = sorted(
        f"{module} → {imported}"
        for module, imported_modules in _edges().items()
        if module != "service" and _room(module) == room
        for imported in imported_modules
        if _room(imported) in domains
    )
    assert found == []


def test_the_import_map_has_no_circle():
    """Between modules, late imports included: a circle is what forced the late imports."""
    edges = _edges()
    circles = sorted({" → ".join(circle) for circle in _circles(edges)})
    assert circles == []


def _circles(edges: dict[str, set[str]]) -> Iterator[list[str]]:
    """Tarjan's strongly connected components; each with more than one module is a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(module: str) -> Iterator[list[str]]:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(edges.get(module, ())):
            if imported not in edges:
                continue  # a name imported from a package's __init__ is that package's edge
            if imported not in index:
                yield from visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                yield sorted(component)

    for module in sorted(edges):
        if module not in index:
            yield from visit(module)


def test_no_module_but_the_cli_imports_the_built_schema():
    """The schema is built where the app is wired and what it declares is handed down
    (service/app.py gives the Auskunft its field categories), never fetched back up."""
    importers = sorted(
        _module_of(path)
        for path in SERVICE.rglob("*.py")
        if "service.schema.schema" in set(_imports(path))
    )
    assert importers == ["service.cli"]
