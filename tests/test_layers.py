"""The layer rules, read from the source: core/ and db/ never reach the UI libraries or the layers
above them, printing/ knows nothing of tui_kecamatan, and importing core stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tui_kecamatan"

UI_LIBRARIES = {"textual", "rich"}
ABOVE_CORE = {"tui_kecamatan.screens", "tui_kecamatan.widgets", "tui_kecamatan.app", "tui_kecamatan.cli"}
HEAVY = {"fpdf", "escpos", "PIL", "qrcode", "barcode", "argon2", "phonenumbers", "fontTools", "serial", "usb"}


def imported_modules(source: str, filename: str, package: str) -> list[tuple[int, str]]:
    """Every module a file imports, anywhere in it (also inside functions), as absolute names.

    Also catches `importlib.import_module("x")` and `__import__("x")` with a literal name.
    """
    tree = ast.parse(source, filename=filename)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # `from tui_kecamatan import screens` imports a subpackage by name.
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__"):
                found.append((node.lineno, node.args[0].value))
    return found


def within(module: str, roots: set[str]) -> bool:
    return any(module == root or module.startswith(root + ".") for root in roots)


def package_of(path: Path) -> str:
    """The package relative imports start from: the folder, for a module and for __init__ alike."""
    return ".".join(path.relative_to(ROOT).parent.parts)


def violations(folder: Path, forbidden: set[str]) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        for line, module in imported_modules(path.read_text(encoding="utf-8"), str(path), package_of(path)):
            if within(module, forbidden):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


def python_files(folder: Path) -> list[Path]:
    files = sorted(folder.rglob("*.py"))
    assert files, f"no Python files under {folder}"
    return files


# --- the checker itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "import textual",
        "import rich.text",
        "from textual.app import App",
        "from rich import print",
        "def later():\n    from textual.widgets import Static\n",
        "class A:\n    def m(self):\n        import rich.console as rc\n",
        "import importlib\nimportlib.import_module('textual.app')",
        "__import__('rich')",
    ],
)
def test_checker_finds_every_form_of_import(source):
    modules = [module for _, module in imported_modules(source, "<test>", "tui_kecamatan.core")]
    assert any(within(module, UI_LIBRARIES) for module in modules), modules


def test_checker_resolves_relative_imports():
    found = imported_modules("from ..screens import queue\nfrom . import text", "<test>", "tui_kecamatan.core")
    modules = {module for _, module in found}
    assert "tui_kecamatan.screens.queue" in modules
    assert "tui_kecamatan.core.text" in modules
    assert not any(within(m, UI_LIBRARIES) for m in modules)
    assert not within("textualize", UI_LIBRARIES) and not within("richtext", UI_LIBRARIES)


# --- the rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize("layer", ["core", "db"])
def test_core_and_db_never_import_textual_or_rich(layer):
    python_files(PACKAGE / layer)
    assert violations(PACKAGE / layer, UI_LIBRARIES) == []


@pytest.mark.parametrize("layer", ["core", "db"])
def test_core_and_db_never_import_the_layers_above(layer):
    assert violations(PACKAGE / layer, ABOVE_CORE) == []


def test_db_never_imports_core():
    assert violations(PACKAGE / "db", {"tui_kecamatan.core"}) == []


def test_printing_imports_nothing_from_tui_kecamatan():
    python_files(ROOT / "printing")
    assert violations(ROOT / "printing", {"tui_kecamatan"}) == []


# --- what an import really loads -----------------------------------------------------------------


def run_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(ROOT), timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_importing_the_foundation_loads_no_ui_library():
    out = run_python(
        "import tui_kecamatan.core.accounts, tui_kecamatan.core.validation, tui_kecamatan.db.connection; "
        "import sys; print('textual' in sys.modules or 'rich' in sys.modules)"
    )
    assert out == "False"


def test_importing_every_core_and_db_module_stays_light():
    out = run_python(
        "import importlib, pkgutil, sys\n"
        "import tui_kecamatan.core as core, tui_kecamatan.db as db\n"
        "for package in (core, db):\n"
        "    for info in pkgutil.iter_modules(package.__path__):\n"
        "        importlib.import_module(package.__name__ + '.' + info.name)\n"
        f"print(sorted(name for name in {sorted(UI_LIBRARIES | HEAVY)!r} if name in sys.modules))\n"
    )
    assert out == "[]"


# --- the screens' one database idiom ---------------------------------------------------------------

DATABASE_LIBRARIES = {"peewee", "sqlite3", "playhouse"}
UI_SIDE = [PACKAGE / "screens", PACKAGE / "widgets", PACKAGE / "app.py"]


def ui_files() -> list[Path]:
    return [path for place in UI_SIDE for path in ([place] if place.is_file() else python_files(place))]


def test_screens_widgets_and_app_never_import_the_database_libraries():
    """Database failures become sentences below the screens (db/errors.py), so nothing above needs
    to know what a peewee or SQLite error is."""
    found = []
    for path in ui_files():
        for line, module in imported_modules(path.read_text(encoding="utf-8"), str(path), package_of(path)):
            if within(module, DATABASE_LIBRARIES):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert found == []


def test_the_checker_sees_a_database_import_in_a_screen():
    modules = {module for _, module in imported_modules("def f():\n    import sqlite3\n", "<test>", "tui_kecamatan.screens")}
    assert any(within(module, DATABASE_LIBRARIES) for module in modules)


def other_thread_mechanisms(source: str) -> list[str]:
    """Ways of reaching the database from a screen other than an async worker awaiting self.db()."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("then", "failed"):
            found.append(f"{node.lineno}: {node.arg}= callback")
        elif isinstance(node, ast.keyword) and node.arg == "thread" and not (isinstance(node.value, ast.Constant) and node.value.value is False):
            found.append(f"{node.lineno}: thread worker")
        elif isinstance(node, ast.Attribute) and node.attr in ("run_db", "to_thread", "call_from_thread", "run_in_executor"):
            found.append(f"{node.lineno}: {node.attr}")
    return found


@pytest.mark.parametrize(
    "source",
    [
        "self.run_db(load, then=self.show)",
        "@work(thread=True)\ndef f(self): pass",
        "await asyncio.to_thread(load)",
        "self.app.call_from_thread(self.dismiss, 1)",
    ],
)
def test_the_checker_finds_other_ways_to_the_database(source):
    assert other_thread_mechanisms(source)


def test_screens_and_dialogs_reach_the_database_one_way():
    """`result = await self.db(core_function, *args)` in a worker, nothing else (widgets/db_work.py
    is where that one way is made)."""
    found = []
    for path in ui_files():
        if path.name == "db_work.py":
            continue
        found.extend(f"{path.relative_to(ROOT)}:{hit}" for hit in other_thread_mechanisms(path.read_text(encoding="utf-8")))
    assert found == []


def test_no_screen_imports_another_screen_for_a_helper():
    """A screen opens another through the registry (screens.screen_class) or imports its class to
    push it; shared helpers live in widgets/ or core/. Only these names may cross screen modules."""
    found = []
    for path in sorted((PACKAGE / "screens").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tui_kecamatan.screens."):
                if node.module == "tui_kecamatan.screens.base":
                    continue
                own_folder = path.parent.name
                for alias in node.names:
                    if not alias.name[:1].isupper():  # a function or constant: a helper
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {node.module}.{alias.name}")
                    elif not node.module.startswith(f"tui_kecamatan.screens.{own_folder}.") and not alias.name.endswith(("Screen", "Dialog", "Form", "Pane", "Prompt")):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {node.module}.{alias.name}")
    assert found == []


def test_the_db_package_has_no_import_cycle():
    graph: dict[str, set[str]] = {}
    for path in python_files(PACKAGE / "db"):
        name = f"tui_kecamatan.db.{path.stem}"
        graph[name] = {m for _, m in imported_modules(path.read_text(encoding="utf-8"), str(path), package_of(path))
                       if m.startswith("tui_kecamatan.db.")}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    assert [name for name in graph if reaches(name, name, set())] == []


def test_boxes_and_radios_come_from_widgets_choice():
    """Textual's Checkbox, RadioButton and SelectionList tell ticked from unticked by colour alone;
    widgets/choice.py has the ones that differ by their characters."""
    plain = {"Checkbox", "RadioButton", "SelectionList"}
    found = []
    for path in ui_files():
        if path.name == "choice.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual.widgets"):
                found.extend(f"{path.relative_to(ROOT)}:{node.lineno} imports {alias.name}"
                             for alias in node.names if alias.name in plain)
    assert found == []
