"""The import graph has no arrow upward: common <- corpus <- index <- qa <- web <- app.

Read from the source with ast (nothing is imported), so the test names the line that adds
an arrow, wherever in a module the import sits (inside a function included).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["common", "corpus", "index", "qa", "web"]
# Only the web layer (and app.py above it) may speak HTTP or run the CLI.
WEB_ONLY = {"flask", "werkzeug", "click", "app", "serve"}


def imports(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, top-level package) of every import in one module of ``package``."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            top = package if node.level else (node.module or "").split(".")[0]
            found.append((node.lineno, top))
    return sorted(found)


def arrows(package: str, forbidden: set[str], root: Path = ROOT) -> list[str]:
    """'path:line imports top' for each import of ``package`` into ``forbidden``."""
    return [
        f"{path.relative_to(root)}:{line} imports {top}"
        for path in sorted((root / package).rglob("*.py"))
        for line, top in imports(path, package)
        if top in forbidden
    ]


@pytest.mark.parametrize("package", LAYERS)
def test_no_layer_imports_a_layer_above_it(package):
    assert list((ROOT / package).glob("*.py")), f"no modules in {package}/"
    above = set(LAYERS[LAYERS.index(package) + 1 :]) | {"tests", "bench"}
    if package != "web":
        above |= WEB_ONLY
    assert arrows(package, above) == []


def test_nothing_outside_tests_imports_tests():
    found = [a for package in [*LAYERS, "bench"] for a in arrows(package, {"tests"})]
    found += [
        f"{path.name}:{line} imports tests"
        for path in ROOT.glob("*.py")
        for line, top in imports(path, "")
        if top == "tests"
    ]
    assert found == []


def test_an_upward_import_is_found_even_inside_a_function(tmp_path):
    module = tmp_path / "corpus" / "leaky.py"
    module.parent.mkdir()
    module.write_text(
        "from . import records\n"
        "from corpus.records import Passage\n"
        "\n"
        "def page():\n"
        "    from flask import render_template\n"
        "    import qa.engine\n"
    )
    assert arrows("corpus", {"index", "qa", "web"} | WEB_ONLY, tmp_path) == [
        "corpus/leaky.py:5 imports flask",
        "corpus/leaky.py:6 imports qa",
    ]
