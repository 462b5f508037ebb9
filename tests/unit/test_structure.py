"""Structure rules for journal/: imports between packages point one way, modules stay small."""

import ast
from pathlib import Path

JOURNAL = Path(__file__).resolve().parents[2] / "journal"
MAX_LINES = 400


def _unit(path):
    """Return the first-level name under journal/ that a module belongs to."""
    return path.relative_to(JOURNAL).parts[0].removesuffix(".py")


def _imported_units(path):
    """Yield the first-level journal names one module imports, in-function imports included."""
    package = path.relative_to(JOURNAL.parent).with_suffix("").parts
    package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "journal" and len(parts) > 1:
                    yield parts[1]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                parts = [*base, *(node.module.split(".") if node.module else [])]
            else:
                parts = (node.module or "").split(".")
            if parts[0] != "journal":
                continue
            if len(parts) > 1:
                yield parts[1]
            else:
                # "from journal import x" or "from .. import x" at the top: each name is a unit.
                yield from (alias.name for alias in node.names)


def import_graph():
    """Return {package: set of other packages it imports} for journal's subpackages.

    A subpackage counts with all its modules; in-function imports count as much as top ones.
    """
    packages = {path.parent.name for path in JOURNAL.glob("*/__init__.py")}
    graph = {package: set() for package in packages}
    for path in sorted(JOURNAL.glob("*/**/*.py")):
        unit = _unit(path)
        graph[unit].update(u for u in _imported_units(path) if u in packages and u != unit)
    return graph


def find_cycles(graph):
    """Return each cycle between units as a list of names, found by depth-first search."""
    cycles, state, stack = [], {}, []

    def visit(unit):
        state[unit] = "open"
        stack.append(unit)
        for other in sorted(graph.get(unit, ())):
            if state.get(other) == "open":
                cycles.append([*stack[stack.index(other) :], other])
            elif other not in state:
                visit(other)
        stack.pop()
        state[unit] = "done"

    for unit in sorted(graph):
        if unit not in state:
            visit(unit)
    return cycles


def test_the_graph_sees_relative_and_in_function_imports():
    """Check the graph holds known edges, so an empty cycle list means something."""
    graph = import_graph()
    assert "treatments" in graph["reflections"]  # from ..treatments import ...
    assert "report" in graph["share"]  # from .. import report
    assert "accounts" in graph["reminders"]  # from ..accounts.sessions import ...
    assert "share" in graph["export"]
    assert "instruments" in graph["pages"]  # only imported inside a function


def test_find_cycles_finds_a_cycle():
    """Check the search reports a cycle when there is one."""
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_packages():
    """Check imports between journal's packages and modules point one way."""
    assert find_cycles(import_graph()) == []


def test_no_module_above_the_line_limit():
    """Check no module under journal/ has more than the line limit."""
    too_long = {
        str(path.relative_to(JOURNAL)): lines
        for path in JOURNAL.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
