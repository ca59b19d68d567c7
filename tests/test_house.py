"""The house rules the code can check by itself: layers, file sizes, and stats keys named in one module."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("newscrawl", "spiders", "pipelines")
SOURCES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))
MAX_LINES = 250
# a stats key written out: "newscrawl/<word>" (a version such as "newscrawl/0.1" in the user agent is not one)
STATS_KEY = re.compile(r"^newscrawl/[a-z_]")


def imported_modules(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module or "")
    return names


def code_strings(tree: ast.AST):
    """String constants that are not docstrings (docstrings name files such as newscrawl/state.py)."""
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)
                  and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node


def test_the_sources_are_found():
    assert len(SOURCES) > 30 and ROOT / "newscrawl" / "stats_keys.py" in SOURCES


@pytest.mark.parametrize("path", [p for p in SOURCES if p.relative_to(ROOT).parts[0] == "newscrawl"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_newscrawl_never_imports_the_layers_above_it(path):
    imports = imported_modules(ast.parse(path.read_text(encoding="utf-8")))
    assert not {name for name in imports if name.split(".")[0] in ("pipelines", "spiders")}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_file_is_at_most_250_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


@pytest.mark.parametrize("path", [p for p in SOURCES if p.name != "stats_keys.py"], ids=lambda p: str(p.relative_to(ROOT)))
def test_stats_keys_are_named_only_in_stats_keys(path):
    written_out = [node.value for node in code_strings(ast.parse(path.read_text(encoding="utf-8")))
                   if STATS_KEY.match(node.value)]
    assert not written_out, f"use newscrawl.stats_keys for {written_out}"


def test_the_checks_catch_what_they_look_for():
    tree = ast.parse('"""Docstring naming newscrawl/state.py."""\nfrom pipelines.coverage import X\n'
                     'stats.inc_value("newscrawl/skipped/x")\nUSER_AGENT = "newscrawl/0.1"\n')
    assert "pipelines.coverage" in imported_modules(tree)
    assert [n.value for n in code_strings(tree) if STATS_KEY.match(n.value)] == ["newscrawl/skipped/x"]


def test_pipeline_docstrings_number_the_pipelines_as_item_pipelines_orders_them():
    from newscrawl import settings

    ordered = sorted(settings.ITEM_PIPELINES, key=settings.ITEM_PIPELINES.get)
    assert len(ordered) >= 6
    for position, path in enumerate(ordered, start=1):
        module = path.rsplit(".", 1)[0]
        docstring = ast.get_docstring(ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8")))
        assert docstring.startswith(f"Pipeline {position}: "), (path, docstring[:40])
