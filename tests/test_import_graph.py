"""The structure draws without a circle: the import graph of care/ (and db/) has no cycle.

Every import counts, the ones inside functions too (a function-level import is how a
circle hides). The database layer imports nothing from the domain (care/).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules(*packages: str) -> dict[str, Path]:
    mods = {}
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            mods[name.removesuffix(".__init__")] = path
    return mods


def import_graph(*packages: str) -> dict[str, set[str]]:
    """module -> the modules of `packages` it imports (anywhere in its code)."""
    mods = _modules(*packages)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            graph[name].update(t for t in targets if t in mods and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_finder_sees_a_circle():
    """The check itself can fail: a hand-drawn circle is found, a line is not."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_function_level_imports():
    graph = import_graph("care")
    assert "care.access" in graph["care.casefile"]
    assert "care.stage_rules" in graph["care.casefile"]
    assert "care.pdf.person" in graph["care.ui.persondocs"]  # imported inside a function


def test_care_has_no_import_cycle():
    assert cycles(import_graph("care", "db")) == []


def test_the_path_imports_no_stage():
    graph = import_graph("care")
    assert not graph["care.path"] & {"care.intake", "care.assessment", "care.plans", "care.journey", "care.minors",
                                     "care.stage_rules"}


def test_the_database_layer_does_not_reach_into_the_domain():
    """db/ gets the cipher and the database URL passed in (db/hooks.py). Migrations are exempt:
    a data migration encrypts existing rows with the application's own key."""
    graph = import_graph("care", "db")
    reaching = {m: sorted(t for t in targets if t.startswith("care")) for m, targets in graph.items()
                if m.startswith("db") and not m.startswith("db.migrations") and any(t.startswith("care") for t in targets)}
    assert reaching == {}
