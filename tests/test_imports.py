"""Every module imports on its own, in a fresh interpreter: no module works only in create_app's order."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("hailong", "admin", "api", "kiosk", "surveys", "transparency")

# One interpreter loads the third-party libraries once, then forks a child per project module: each
# child starts with none of the project's modules, as `python -c "import X"` would, at a fraction of
# the cost (a fresh interpreter per module took two minutes for the tree). `models` imports no project
# module, so once a child has imported it alone the parent loads it too: building its ~40 SQLModel
# classes was most of every other child's time (0,4 of 0,7 s).
FORKING_IMPORTER = """
import importlib, os, sys
import flask, flask_babel, flask_login, flask_limiter, flask_wtf, sqlalchemy, sqlmodel, openpyxl, PIL, pygal, qrcode

def imports_alone(name):
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException as error:
            print(f"{name}: {type(error).__name__}: {error}", file=sys.stderr)
            os._exit(1)
        os._exit(0)
    return os.waitpid(pid, 0)[1] == 0

if not imports_alone("models"):
    sys.exit(1)
import models
failed = [name for name in sys.argv[1:] if not imports_alone(name)]
sys.exit(1 if failed else 0)
"""


def modules() -> list[str]:
    names = []  # and not models, tried first by the importer, nor wsgi: it builds the app, which every other test does
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                    reason="imports read no database: the SQLite half of the suite checks them")
def test_every_module_imports_on_its_own():
    env = os.environ | {"HAILONG_ENV": "development", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-c", FORKING_IMPORTER, *modules()], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
