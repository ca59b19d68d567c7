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
    """String constants that are not docstrings (docstrings name files such as newscrawl/state/sqlite.py)."""
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)
                  and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node


def test_the_sources_are_found():
    assert len(SOURCES) > 30 and ROOT / "newscrawl" / "stats_keys.py" in SOURCES


# newscrawl/'s layers, lowest first: a module may import its own layer and the ones below it, never one above.
# The top-level modules every layer reads come first; the wiring (settings.py, fixture_library.py) and the
# commands last. pipelines/ and spiders/ stand above all of newscrawl/.
LAYERS = (
    {"items", "urls", "clock", "stats_keys"},
    {"extraction"},
    {"archive"},
    {"downloader"},
    {"distributed"},
    {"crawl"},
    {"state"},
    {"commoncrawl"},
    {"monitoring"},
    {"export", "report"},
    {"commands", "settings", "fixture_library"},
)
MAX_TOP_LEVEL_MODULES = 8
NEWSCRAWL_SOURCES = [p for p in SOURCES if p.relative_to(ROOT).parts[0] == "newscrawl"]


def unit_of(module: str) -> str | None:
    """The folder or top-level module of newscrawl/ that a dotted module name lies in (None outside newscrawl)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "newscrawl" and len(parts) > 1 else None


def layer_of(unit: str) -> int:
    return next(index for index, units in enumerate(LAYERS) if unit in units)


def newscrawl_imports(tree: ast.AST, modules: set[str] = frozenset()) -> set[str]:
    """Every newscrawl module a file imports. `from package import name` reads as package.name when that is one of
    `modules` (a submodule), else as the package; `from newscrawl import x` always as newscrawl.x."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError("relative import: write it absolute, so the layer it reaches is plain")
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "newscrawl":
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                names.add(submodule if submodule in modules or node.module == "newscrawl" else node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("newscrawl."))
    return names


def test_every_unit_of_newscrawl_has_a_layer():
    units = {p.relative_to(ROOT / "newscrawl").parts[0].removesuffix(".py") for p in NEWSCRAWL_SOURCES} - {"__init__"}
    assert units == set().union(*LAYERS)


def test_newscrawl_top_level_is_small_and_every_folder_says_what_belongs_in_it():
    top = [p for p in (ROOT / "newscrawl").glob("*.py") if p.name != "__init__.py"]
    assert len(top) <= MAX_TOP_LEVEL_MODULES, sorted(p.name for p in top)
    for folder in (p for p in (ROOT / "newscrawl").iterdir() if p.is_dir() and p.name != "__pycache__"):
        docstring = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert docstring and len(docstring) > 60, f"{folder.name}/__init__.py must say what belongs in it"


@pytest.mark.parametrize("path", NEWSCRAWL_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_newscrawl_never_imports_the_layers_above_it(path):
    imports = newscrawl_imports(ast.parse(path.read_text(encoding="utf-8")))
    assert not {name for name in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
                if name.split(".")[0] in ("pipelines", "spiders", "tests", "bench")}
    own = unit_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
    if own is None:  # newscrawl/__init__.py
        assert not imports
        return
    above = {name for name in imports if unit_of(name) and layer_of(unit_of(name)) > layer_of(own)}
    assert not above, f"{own} (layer {layer_of(own)}) imports from a higher layer: {sorted(above)}"


def test_the_layer_check_catches_an_upward_import():
    tree = ast.parse("from newscrawl.state.sqlite import state_for\nfrom newscrawl import drift_of_nothing\n")
    assert newscrawl_imports(tree) == {"newscrawl.state.sqlite", "newscrawl.drift_of_nothing"}
    assert layer_of(unit_of("newscrawl.state.sqlite")) > layer_of(unit_of("newscrawl.extraction.story"))
    with pytest.raises(AssertionError):
        newscrawl_imports(ast.parse("from .sqlite import x\n"))


def import_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the module graph (a list of modules, the first repeated at the end), or None."""
    visiting, done = [], set()

    def visit(module):
        if module in done or module not in graph:
            return None
        if module in visiting:
            return visiting[visiting.index(module):] + [module]
        visiting.append(module)
        for dependency in sorted(graph[module]):
            if cycle := visit(dependency):
                return cycle
        visiting.pop()
        done.add(module)
        return None

    return next((cycle for module in sorted(graph) if (cycle := visit(module))), None)


def test_no_import_cycles_between_modules():
    paths = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p for p in NEWSCRAWL_SOURCES}
    graph = {module: newscrawl_imports(ast.parse(path.read_text(encoding="utf-8")), set(paths)) - {module}
             for module, path in paths.items()}
    assert len(graph) > 60
    assert import_cycle(graph) is None


def test_the_cycle_check_finds_a_cycle():
    assert import_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert import_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


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


def test_bench_imports_nothing_from_tests_and_one_local_site_server_remains():
    """bench/ and tests/ share their helpers through testing/ (issue #18): a bench never imports tests, and the
    only HTTP server of the tests and benches is testing/local_site.py's (options and subclasses, no copies)."""
    scripts = sorted((ROOT / "bench").rglob("*.py"))
    assert len(scripts) > 5
    from_tests = {str(p.relative_to(ROOT)): sorted(m for m in imported_modules(ast.parse(p.read_text(encoding="utf-8")))
                                                   if m.split(".")[0] == "tests") for p in scripts}
    assert {path: names for path, names in from_tests.items() if names} == {}
    helpers = [p for folder in ("tests", "bench", "testing") for p in (ROOT / folder).rglob("*.py")]
    servers = sorted(str(p.relative_to(ROOT)) for p in helpers
                     if "http.server" in imported_modules(ast.parse(p.read_text(encoding="utf-8"))))
    assert servers == ["testing/local_site.py"]
