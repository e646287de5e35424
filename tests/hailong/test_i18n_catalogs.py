import gettext
import os
import shutil
from pathlib import Path

from hailong.i18n import compile_catalogs

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


def test_missing_catalogs_are_compiled_so_english_shows(tmp_path):
    shutil.copytree(TRANSLATIONS, tmp_path / "translations", ignore=shutil.ignore_patterns("*.mo", "*.pot"))
    compile_catalogs(tmp_path / "translations")
    assert _english(tmp_path / "translations/en/LC_MESSAGES/messages.mo").gettext("Rất hài lòng") == "Very satisfied"


def test_a_catalog_newer_than_its_compiled_file_is_compiled_again(tmp_path):
    shutil.copytree(TRANSLATIONS, tmp_path / "translations", ignore=shutil.ignore_patterns("*.pot"))
    mo = tmp_path / "translations/en/LC_MESSAGES/messages.mo"
    mo.write_bytes(b"stale")
    os.utime(mo, (0, 0))  # older than any catalog
    compile_catalogs(tmp_path / "translations")
    assert _english(mo).gettext("Hài lòng") == "Satisfied"


def _english(mo: Path) -> gettext.GNUTranslations:
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)
