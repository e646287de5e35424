"""Photos kept for a moment while the citizen fixes the rest of the PAKN form.

A photo that passed its checks must not be lost because the phone number had a typo: an
elder who found the photo once may not find it again. The re-encoded photos wait under a
random token in ``upload_dir/held`` for ``HOLD_FOR``; only that token brings them back, and
anything older is swept away on the next hold.
"""
from __future__ import annotations

import re
import secrets
import shutil
import time
from pathlib import Path

from PIL import Image

from hailong.attachments import Photo

HOLD_FOR = 30 * 60  # seconds: long enough to fix a form, short enough not to become storage
TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")
TYPES = {"jpg": "image/jpeg", "png": "image/png"}


def hold(photos: list[Photo], upload_dir: str) -> str:
    """Keep checked photos under a new token; the token is all the form carries."""
    sweep(upload_dir)
    token = secrets.token_urlsafe(16)
    folder = _root(upload_dir) / token
    folder.mkdir(parents=True)
    for index, photo in enumerate(photos):
        (folder / f"{index}.{photo.extension}").write_bytes(photo.data)
    return token


def take(token: str | None, upload_dir: str) -> list[Photo]:
    """The photos held under ``token`` (none if it is unknown, malformed or expired)."""
    folder = _folder(token, upload_dir)
    if folder is None:
        return []
    return [_photo(path) for path in sorted(folder.iterdir()) if path.suffix[1:] in TYPES]


def release(token: str | None, upload_dir: str) -> None:
    """Forget the held photos once the PAKN that carries them is stored."""
    folder = _folder(token, upload_dir)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def sweep(upload_dir: str, *, now: float | None = None) -> None:
    """Remove holds older than ``HOLD_FOR``."""
    root = _root(upload_dir)
    if not root.is_dir():
        return
    limit = (now or time.time()) - HOLD_FOR
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)


def _root(upload_dir: str) -> Path:
    return Path(upload_dir) / "held"


def _folder(token: str | None, upload_dir: str) -> Path | None:
    # The token names a folder: only the exact shape we made may reach the file system.
    if not token or not TOKEN.match(token):
        return None
    folder = _root(upload_dir) / token
    if not folder.is_dir() or folder.stat().st_mtime < time.time() - HOLD_FOR:
        return None
    return folder


def _photo(path: Path) -> Photo:
    data = path.read_bytes()
    with Image.open(path) as image:
        width, height = image.size
    extension = path.suffix[1:]
    return Photo(data, TYPES[extension], extension, width, height)
