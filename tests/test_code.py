"""The code's own shape: the floors (no import from a lower floor to a higher one), no import circles (Python and the
map's ES modules), no private name imported from another module, no module over MAX_LINES lines."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The floors, lowest first, as the README's Layout gives them: data flows up, and a module imports only from its
# own floor or the floors below it.
FLOORS = (
    ("geo", "pure geometry"),
    ("evidence", "the evidence the layers cite"),
    ("layers", "the layers built from the sources"),
    ("store", "the storage and its interface"),
    ("contrib", "the intake of contributions"),
    ("webapp", "the web app"),
    ("pipeline", "the build, publishing and the command line"),
)
PACKAGES = tuple(package for package, _ in FLOORS)
MAX_LINES = 400
SCRIPTS = ROOT / "webapp" / "static" / "atlas"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """{dotted name: file} of every module of the project's packages."""
    return {module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def main_block(node: ast.AST) -> bool:
    """Whether a node is `if __name__ == "__main__":`: a command's entry point (an alias such as `python -m
    layers.build` hands over to pipeline.cli there), not an import of the module."""
    test = getattr(node, "test", None) if isinstance(node, ast.If) else None
    return ast.unparse(test).replace("'", '"') == '__name__ == "__main__"' if test is not None else False


def walk(tree: ast.AST):
    """Every node of a module, at any depth, but those of its `if __name__ == "__main__":` block."""
    for child in ast.iter_child_nodes(tree):
        if not main_block(child):
            yield child
            yield from walk(child)


def imports(path: Path, name: str) -> list[tuple[str, str | None]]:
    """(module, imported name or None) of every import in a module, at any depth (a lazy import counts too; its
    `__main__` block does not)."""
    found = []
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in walk(ast.parse(path.read_text(encoding="utf-8"))):
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


def floor(module: str) -> int:
    """The floor of a project module (0: the lowest)."""
    return PACKAGES.index(module.split(".", maxsplit=1)[0])


def upward(edges: dict[str, set[str]]) -> list[str]:
    """`module -> target` for every import from a lower floor to a higher one."""
    return sorted(f"{m} -> {t}" for m, targets in edges.items() for t in targets if floor(t) > floor(m))


def test_no_import_runs_up_a_floor():
    assert upward(graph(modules())) == []


def test_the_floor_check_can_fail(tmp_path):
    (tmp_path / "m.py").write_text("from pipeline.build import build\n", encoding="utf-8")
    (tmp_path / "alias.py").write_text('if __name__ == "__main__":\n    from pipeline.cli import main\n', "utf-8")
    known = {"layers.m": tmp_path / "m.py", "store.alias": tmp_path / "alias.py", "pipeline.build": tmp_path / "b.py"}
    (tmp_path / "b.py").write_text("from webapp.contribute.web import store\n", encoding="utf-8")
    assert upward(graph(known | {"webapp.contribute.web": tmp_path / "b.py"})) == ["layers.m -> pipeline.build"]


def test_every_package_has_a_floor():
    folders = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert folders == set(PACKAGES)


def test_the_readme_layout_gives_the_floors():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^([a-z]+)/ ", layout, re.M)
    assert [p for p in listed if p in PACKAGES] == list(PACKAGES), "the Layout lists the floors, lowest first"
    for package, words in FLOORS:
        assert words in layout, f"the Layout says what {package}/ is: {words!r}"


KNOWN_CIRCLES: list[list[str]] = []  # none: a circle that appears fails the test


def test_no_python_import_circles():
    assert [c for c in circles(graph(modules())) if c not in KNOWN_CIRCLES] == []


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


def test_the_readme_starts_with_the_two_commands_and_stays_short():
    """A newcomer's first read: `make run` and `make test` first, the whole at most 300 lines (the manual is docs/)."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 300, f"README.md has {len(lines)} lines; allowed: at most 300 (move detail into docs/)"
    start = "\n".join(lines[:6])
    assert start.index("make run") < start.index("make test")
