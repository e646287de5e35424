"""The layers (ARCHITECTURE.md): the core imports no audience package, an audience package imports only the core.

Every .py file's imports are read with ``ast``, those inside functions too, so a late import cannot hide a
dependency that the module-level ones would show.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ("hailong", "models")
AUDIENCES = ("admin", "api", "kiosk", "surveys", "transparency")

# create_app is the composition root: registering the blueprints is the one place the core names them.
COMPOSITION_ROOT = {("hailong/__init__.py", f"{package}.views") for package in AUDIENCES}

ALLOWED = COMPOSITION_ROOT


def python_files() -> list[Path]:
    files = [ROOT / "models.py"]
    for package in (*CORE[:1], *AUDIENCES):
        files.extend(sorted((ROOT / package).rglob("*.py")))
    return files


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Every module ``path`` imports, at any depth, relative imports resolved."""
    package = path.relative_to(root).parent.parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[:len(package) - node.level + 1]) if node.level else []
            found.add(".".join([*base, *([node.module] if node.module else [])]))
    return found


def layer_of(top: str) -> str | None:
    return "core" if top in CORE else "audience" if top in AUDIENCES else None


def crossings() -> set[tuple[str, str]]:
    """(file, module) for each import that goes against the layers."""
    bad = set()
    for path in python_files():
        name = path.relative_to(ROOT).as_posix()
        own = name.split("/")[0].removesuffix(".py")
        for module in imported_modules(path):
            target = module.split(".")[0]
            if target == own or layer_of(target) != "audience":
                continue  # its own package, the core, or a library
            bad.add((name, module))  # the core reaching up, or one audience reaching into another
    return bad


def test_the_core_imports_no_audience_and_no_audience_imports_another():
    unexpected = sorted(crossings() - ALLOWED)
    assert not unexpected, "imports against the layers (core ← audiences):\n" + "\n".join(
        f"  {name} imports {module}" for name, module in unexpected)


def test_every_allowed_exception_is_still_needed():
    stale = sorted(ALLOWED - crossings())
    assert not stale, "exceptions that no longer match an import, remove them:\n" + "\n".join(
        f"  {name} → {module}" for name, module in stale)


def test_the_checker_sees_function_local_and_relative_imports(tmp_path):
    package = tmp_path / "kiosk"
    package.mkdir()
    source = package / "views.py"
    source.write_text("def f():\n    from admin import views\n    import surveys.demo\nfrom . import labels\n")
    assert imported_modules(source, root=tmp_path) == {"admin", "surveys.demo", "kiosk"}


# Templates: each blueprint's folder (its prefix) and the shared top-level templates/ (no prefix).
TEMPLATE_PREFIXES = {"admin": "admin", "kiosk": "kiosk", "surveys": "surveys", "transparency": "public"}
TEMPLATE_REFERENCE = re.compile(r"{%-?\s*(?:extends|include|import|from)\s+[\"']([^\"']+)[\"']")
# The PAKN status labels are Jinja if-chains in the phone pages' folder until one labels module replaces them
# (worktree `vocab`): remove these with that change.
PENDING_LABELS_MOVE = {
    ("admin/templates/admin/inbox.html", "surveys/_feedback_labels.html"),
    ("admin/templates/admin/papers/apology.html", "surveys/_feedback_labels.html"),
    ("admin/templates/admin/ticket.html", "surveys/_feedback_labels.html"),
}


def template_crossings() -> set[tuple[str, str]]:
    """(template, referenced template) where a blueprint's template uses another blueprint's."""
    own_prefixes = set(TEMPLATE_PREFIXES.values())
    bad = set()
    for package, prefix in TEMPLATE_PREFIXES.items():
        for path in sorted((ROOT / package / "templates").rglob("*.html")):
            for name in TEMPLATE_REFERENCE.findall(path.read_text(encoding="utf-8")):
                other = name.split("/")[0] if "/" in name else None
                if other in own_prefixes and other != prefix:
                    bad.add((path.relative_to(ROOT).as_posix(), name))
    return bad


def test_no_blueprint_template_uses_another_blueprints_templates():
    unexpected = sorted(template_crossings() - PENDING_LABELS_MOVE)
    stale = sorted(PENDING_LABELS_MOVE - template_crossings())
    assert not unexpected, "templates across blueprints (share them from templates/):\n" + "\n".join(
        f"  {name} uses {other}" for name, other in unexpected)
    assert not stale, "exceptions that no longer match a template, remove them: " + ", ".join(
        name for name, _ in stale)


def layout_sections() -> dict[str, set[str]]:
    """The file names (``x.py``) in ARCHITECTURE.md's layout block, per top-level entry ("hailong", "admin", …)."""
    layout = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8").split("```")[1]
    sections: dict[str, set[str]] = {}
    words: set[str] = set()
    for line in layout.splitlines():
        if line and not line[0].isspace():
            words = sections.setdefault(re.split(r"[/.\s]", line, maxsplit=1)[0], set())
        words.update(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\.py\b", line))
    return sections


def test_architecture_names_every_module_under_its_package():
    sections = layout_sections()
    missing = [path.relative_to(ROOT).as_posix() for path in python_files()
               if path.stem != "__init__" and path.stem not in sections.get(path.relative_to(ROOT).parts[0]
                                                                            .removesuffix(".py"), set())]
    assert not missing, "ARCHITECTURE.md's layout does not name: " + ", ".join(missing)
