"""The tree shows the pipeline: these tests hold the layout to what the README promises.

Stages are ordered; a module may import only from its own stage or a lower one, so no
import runs back up and none can loop. Imports inside functions count too.
"""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ddet_data"

# Lowest first. A module's stage is the first dotted prefix of its name found here.
STAGES = [
    ("ddet_data.errors",),
    ("ddet_data.text",),
    ("ddet_data.http", "ddet_data.project"),
    ("ddet_data.sources",),
    ("ddet_data.package",),
    ("ddet_data.validate",),
    ("ddet_data.datagouv",),
    ("ddet_data.build", "ddet_data.loading"),
    ("ddet_data.cli", "ddet_data", "ddet_data.__main__"),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def stage_of(module: str) -> int:
    best = None
    for level, prefixes in enumerate(STAGES):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (level, len(prefix))
    assert best is not None, f"{module}: in no stage of tests/test_layout.py"
    return best[0]


MODULES = sorted(PACKAGE.rglob("*.py"))
KNOWN = {module_name(path) for path in MODULES}


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) for every import of a ddet_data module in the file."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "ddet_data":
                # `from .. import http` imports the module ddet_data.http, not the package.
                submodules = [f"{target}.{a.name}" for a in node.names]
                submodules = [name for name in submodules if name in KNOWN]
                found += [(node.lineno, name) for name in submodules or [target]]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "ddet_data":
                    found.append((node.lineno, alias.name))
    return found




@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_runs_back_up(path):
    own = stage_of(module_name(path))
    upward = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: imports {target}"
        for line, target in imports_of(path)
        if stage_of(target) > own
    ]
    assert not upward


def test_the_top_level_is_short():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 8, top


def test_one_module_speaks_http():
    speakers = [
        str(p.relative_to(PACKAGE.parent))
        for p in MODULES
        if any(
            isinstance(node, ast.Import | ast.ImportFrom)
            and any(
                (getattr(node, "module", None) or "").split(".")[0] == "requests"
                or alias.name.split(".")[0] == "requests"
                for alias in node.names
            )
            for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        )
    ]
    assert speakers == ["ddet_data/http.py"]


def test_every_exception_class_is_in_errors():
    errors = ast.parse((PACKAGE / "errors.py").read_text(encoding="utf-8"))
    exception_names = {name for name in dir(builtins) if name.endswith(("Error", "Exception"))}
    exception_names |= {node.name for node in errors.body if isinstance(node, ast.ClassDef)}
    elsewhere = []
    for path in MODULES:
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            bases = {getattr(b, "id", getattr(b, "attr", "")) for b in getattr(node, "bases", [])}
            if isinstance(node, ast.ClassDef) and bases & exception_names:
                elsewhere.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {node.name}")
    assert not elsewhere


def test_no_import_loops():
    graph = {module_name(path): {t for _, t in imports_of(path) if t in KNOWN} for path in MODULES}
    # A package's __init__ is imported with each of its modules: not an edge of the flow.
    graph = {m: {t for t in targets if not m.startswith(t + ".")} for m, targets in graph.items()}
    loops = []
    state: dict[str, str] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                loops.append(" -> ".join(trail[trail.index(target) :] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not loops
