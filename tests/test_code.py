"""The code's own shape: no import circles (Python and the map's ES modules), no private name imported from
another module, no module over MAX_LINES lines."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geo", "layers", "store", "webapp")
MAX_LINES = 400
SCRIPTS = ROOT / "webapp" / "static" / "atlas"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """{dotted name: file} of every module of the project's packages."""
    return {module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def imports(path: Path, name: str) -> list[tuple[str, str | None]]:
    """(module, imported name or None) of every import in a module, at any depth (a lazy import counts too)."""
    found = []
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            found += [(base, alias.name) for alias in node.names]
    return found


def graph(known: dict[str, Path]) -> dict[str, set[str]]:
    """{module: the project modules it imports} (`from pkg import mod` counts as importing pkg.mod)."""
    edges = {}
    for name, path in known.items():
        targets = set()
        for module, imported in imports(path, name):
            if imported and f"{module}.{imported}" in known:
                targets.add(f"{module}.{imported}")
            elif module in known:
                targets.add(module)
        edges[name] = targets - {name}
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_python_import_circles():
    assert circles(graph(modules())) == []


def test_no_es_module_import_circles():
    edges = {}
    for path in SCRIPTS.glob("*.js"):
        text = path.read_text(encoding="utf-8")
        edges[path.stem] = {Path(m).stem for m in re.findall(r'^import .* from "\./([^"]+)";$', text, re.M)}
    assert circles(edges) == []


def test_the_circle_check_can_fail():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"p": {"p.x"}, "p.x": {"p"}}) == [["p", "p.x"]], "a module importing from its package back"


def private_imports(known: dict[str, Path]) -> list[str]:
    """`module: from other import _name` for every private name imported from another project module."""
    found = []
    for name, path in known.items():
        for module, imported in imports(path, name):
            project = module.split(".")[0] in PACKAGES
            if project and imported and imported.startswith("_") and not imported.startswith("__"):
                found.append(f"{name}: from {module} import {imported}")
    return found


def test_no_module_imports_a_private_name_of_another():
    assert private_imports(modules()) == []


def test_the_private_check_can_fail(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("from webapp.mapview import _width\n", encoding="utf-8")
    assert private_imports({"m": path}) == ["m: from webapp.mapview import _width"]


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_is_longer_than_max_lines(name):
    lines = modules()[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it by what its parts do"
