"""Fill English translations into translations/en/LC_MESSAGES/messages.po.

Usage: python scripts/po_fill.py FILE.json   (a {"Vietnamese msgid": "English"} object)
       python scripts/po_fill.py --missing   (list msgids that have no English yet)
Run `flask --app wsgi translate update` first so the catalog knows every msgid.
"""
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def main(argv):
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    if argv[1:] == ["--missing"]:
        missing = [m.id for m in catalog if m.id and not m.string]
        print(json.dumps(missing, ensure_ascii=False, indent=1))
        return 1 if missing else 0
    translations = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    unknown = [key for key in translations if key not in catalog]
    for key, value in translations.items():
        if key in catalog:
            catalog[key].string = value
            catalog[key].flags.discard("fuzzy")
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, omit_header=False, no_location=True)
    if unknown:
        print("not in the catalog (run translate update?):", *unknown, sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
