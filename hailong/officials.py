"""Officials (công chức) of a commune: who they are, which account and desk are theirs, their photo.

An official is never deleted: ratings and figures reference them, so one who leaves is retired
(``active`` False) and stays in past figures. Photos are public (officials serve by name), but
they are still judged by content and re-encoded, so nothing but fresh pixels is ever served.
"""
from __future__ import annotations

import csv
import io
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlmodel import Session, select

from hailong.errors import ValidationError
from models import Desk, Official, Role, User, utcnow

PHOTO_DIR = "officials"
PHOTO_SIDE = 256  # what the kiosk and /public/desks show: a face, not a portrait
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # checked from the header, before any pixel is decoded
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
CSV_COLUMNS = ("code", "full_name", "title", "username", "desk")


@dataclass
class OfficialIn:
    """An official as an administrator types it: names rather than ids for the account and the desk."""

    code: str
    full_name: str
    title: str = ""
    user_id: int | None = None
    desk_id: int | None = None
    active: bool = True


def check(session: Session, unit_id: int, data: OfficialIn, official: Official | None = None) -> dict:
    """Every broken rule of ``data`` at once, as {field: message}; empty when it may be saved."""
    errors: dict = {}
    code, name = data.code.strip(), data.full_name.strip()
    if not code or len(code) > 32 or not set(code) <= CODE_CHARS:
        errors["code"] = _l("Mã cán bộ gồm 1 đến 32 chữ không dấu, số, gạch dưới hoặc gạch ngang.")
    elif session.exec(select(Official.id).where(Official.unit_id == unit_id, Official.code == code,
                                                Official.id != (official.id if official else -1))).first():
        errors["code"] = _l("Mã cán bộ %(code)s đã có.", code=code)
    if not name or len(name) > 120 or not name.isprintable():
        errors["full_name"] = _l("Họ tên có từ 1 đến 120 ký tự.")
    if len(data.title) > 120 or not data.title.isprintable():
        errors["title"] = _l("Chức danh có tối đa 120 ký tự.")
    if data.user_id is not None:
        user = session.get(User, data.user_id)
        if user is None or user.unit_id != unit_id:
            errors["user_id"] = _l("Tài khoản không thuộc đơn vị này.")
        elif user.official_id not in (None, official.id if official else None):
            errors["user_id"] = _l("Tài khoản %(u)s đã gắn với cán bộ khác.", u=user.username)
    if data.desk_id is not None:
        desk = session.get(Desk, data.desk_id)
        if desk is None or desk.unit_id != unit_id:
            errors["desk_id"] = _l("Quầy không thuộc đơn vị này.")
    return errors


def save(session: Session, unit_id: int, data: OfficialIn, official: Official | None = None) -> Official:
    """Create or update an official with their account and desk; raise ValidationError naming bad fields."""
    errors = check(session, unit_id, data, official)
    if errors:
        raise ValidationError(_l("Thông tin cán bộ chưa hợp lệ."), fields=errors)
    official = official or Official(unit_id=unit_id, code="", full_name="")
    official.code, official.full_name, official.title = data.code.strip(), data.full_name.strip(), data.title.strip()
    official.active = data.active
    session.add(official)
    session.flush()  # the account and the desk below point at the new id
    _link_user(session, official, data.user_id)
    _seat_at_desk(session, official, data.desk_id if data.active else None)
    return official


def _link_user(session: Session, official: Official, user_id: int | None) -> None:
    for user in session.exec(select(User).where(User.official_id == official.id, User.id != (user_id or -1))):
        user.official_id = None
        session.add(user)
    if user_id is not None:
        user = session.get(User, user_id)
        user.official_id = official.id
        session.add(user)


def _seat_at_desk(session: Session, official: Official, desk_id: int | None) -> None:
    """An official serves at one desk at a time: seating them elsewhere frees the old desk."""
    for desk in session.exec(select(Desk).where(Desk.official_id == official.id, Desk.id != (desk_id or -1))):
        desk.official_id, desk.serving_since = None, None
        session.add(desk)
    if desk_id is not None:
        desk = session.get(Desk, desk_id)
        if desk.official_id != official.id:
            desk.official_id, desk.serving_since = official.id, utcnow()
            session.add(desk)


def linked_user(session: Session, official: Official) -> User | None:
    return session.exec(select(User).where(User.official_id == official.id)).first()


def desk_of(session: Session, official: Official) -> Desk | None:
    return session.exec(select(Desk).where(Desk.official_id == official.id)).first()


# --- photos ----------------------------------------------------------------------------------


def photo_bytes(raw: bytes) -> bytes:
    """A square, small JPEG of the face in ``raw``: judged by content, pixel count checked before
    decoding (a decompression bomb never reaches memory), metadata left behind."""
    not_image = ValidationError(_l("Ảnh chưa hợp lệ."), fields={
        "photo": _l("Tệp không phải là ảnh JPEG, PNG hoặc WebP, hoặc ảnh quá lớn.")})
    if not raw or len(raw) > PHOTO_MAX_BYTES:
        raise not_image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:  # reads the header only
                if probe.format not in PHOTO_FORMATS or probe.width * probe.height > PHOTO_MAX_PIXELS:
                    raise not_image
                probe.verify()
            with Image.open(io.BytesIO(raw)) as image:
                return _square_jpeg(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise not_image from None


def _square_jpeg(image: Image.Image) -> bytes:
    image.load()
    image = ImageOps.exif_transpose(image).convert("RGB")
    face = ImageOps.fit(image, (PHOTO_SIDE, PHOTO_SIDE), method=Image.Resampling.LANCZOS, centering=(0.5, 0.35))
    clean = Image.new("RGB", face.size)  # fresh pixels only: EXIF, ICC and comments stay behind
    clean.paste(face)
    buffer = io.BytesIO()
    clean.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def set_photo(session: Session, official: Official, raw: bytes, upload_dir: str) -> None:
    """Store a new photo for ``official`` where attachments live (every host sees it) and drop the old one."""
    data = photo_bytes(raw)
    name = f"{PHOTO_DIR}/{uuid.uuid4().hex}.jpg"  # made here, never from a user's file name
    path = Path(upload_dir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    old = photo_path(official, upload_dir)
    official.photo = name
    session.add(official)
    if old is not None:
        old.unlink(missing_ok=True)


def photo_path(official: Official, upload_dir: str) -> Path | None:
    """The stored photo, or None (an older static photo, or none at all)."""
    if not official.photo or not official.photo.startswith(PHOTO_DIR + "/") or ".." in official.photo:
        return None
    return Path(upload_dir) / official.photo


# --- bulk set-up from a CSV file ----------------------------------------------------------------


def import_csv(session: Session, unit_id: int, text: str) -> tuple[int, int]:
    """Create or update officials from CSV lines (code, full_name, title, username, desk number);
    a file with any bad line is refused whole, every bad line named. Returns (created, updated)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    rows = list(reader)
    if not rows or not {"code", "full_name"} <= set(reader.fieldnames or ()):
        raise ValidationError(_l("Tệp cần dòng tiêu đề có các cột: %(cols)s.", cols=", ".join(CSV_COLUMNS)))
    errors, parsed, seen = {}, [], set()
    for line, row in enumerate(rows, start=2):
        data, problems = _parse_row(session, unit_id, row)
        if data.code in seen:
            problems["code"] = _l("mã %(code)s lặp lại trong tệp", code=data.code)
        seen.add(data.code)
        existing = session.exec(select(Official).where(Official.unit_id == unit_id,
                                                       Official.code == data.code.strip())).first()
        problems.update(check(session, unit_id, data, existing))
        if problems:
            errors[f"line {line}"] = "; ".join(f"{field}: {message}" for field, message in problems.items())
        parsed.append((data, existing))
    if errors:
        raise ValidationError(_l("Tệp có dòng chưa hợp lệ; chưa lưu dòng nào."), fields=errors)
    for data, existing in parsed:
        save(session, unit_id, data, existing)
    created = sum(1 for _data, existing in parsed if existing is None)
    return created, len(parsed) - created


def _parse_row(session: Session, unit_id: int, row: dict) -> tuple[OfficialIn, dict]:
    problems: dict = {}
    user_id = desk_id = None
    if username := (row.get("username") or "").strip():
        user = session.exec(select(User).where(User.username == username, User.unit_id == unit_id)).first()
        if user is None or user.role == Role.VIEWER:
            problems["username"] = _l("không có tài khoản %(u)s ở đơn vị này", u=username)
        else:
            user_id = user.id
    if number := (row.get("desk") or "").strip():
        desk = session.exec(select(Desk).where(Desk.unit_id == unit_id, Desk.number == int(number))).first() \
            if number.isdigit() and len(number) < 5 else None
        if desk is None:
            problems["desk"] = _l("không có quầy số %(n)s", n=number)
        else:
            desk_id = desk.id
    data = OfficialIn(code=(row.get("code") or "").strip(), full_name=(row.get("full_name") or "").strip(),
                      title=(row.get("title") or "").strip(), user_id=user_id, desk_id=desk_id)
    return data, problems
