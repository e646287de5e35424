"""Photos sent with a PAKN: judged by content, re-encoded without metadata, kept in shared storage.

Storage is ``config.upload_dir`` (``UPLOAD_DIR``): with several app hosts it must be a
directory every host mounts (NFS, a shared volume), since any host may serve a photo to staff.
"""
from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlmodel import Session

from hailong.errors import ValidationError
from models import Attachment, Feedback, local_date_of, utcnow

MAX_PHOTOS = 3
MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 2560  # enough to read a sign or a crack; keeps storage small
# Checked from the header before any pixel is decoded: a 5 KB PNG of 39 MP cost 4.4 s of CPU.
# A phone's photo is 12 MP (50 MP sensors save 12.5 MP by default); 24 MP leaves room.
MAX_PIXELS = 24_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}


@dataclass
class Photo:
    """A checked photo, re-encoded in memory and ready to store."""

    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def check_photos(files) -> list[Photo]:
    """Check and re-encode up to three uploads; raise ValidationError naming the first bad one."""
    files = [f for f in files if f is not None and getattr(f, "filename", "")]
    if len(files) > MAX_PHOTOS:
        raise _error(_l("Chỉ gửi được tối đa %(n)s ảnh.", n=MAX_PHOTOS))
    return [_photo(upload.read(MAX_BYTES + 1), upload.filename) for upload in files]


def _error(message) -> ValidationError:
    return ValidationError(_l("Ảnh gửi kèm chưa hợp lệ."), fields={"photos": message})


def _photo(raw: bytes, filename: str) -> Photo:
    if len(raw) > MAX_BYTES:
        raise _error(_l("Ảnh %(name)s lớn hơn 5 MB. Vui lòng chọn ảnh nhỏ hơn.", name=_short(filename)))
    not_image = _error(_l("Tệp %(name)s không phải là ảnh (chỉ nhận ảnh JPEG, PNG, WebP).", name=_short(filename)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:  # reads the header only
                if probe.format not in ACCEPTED_FORMATS:
                    raise not_image
                if probe.width * probe.height > MAX_PIXELS:
                    raise _error(_l("Ảnh %(name)s quá lớn (%(w)s × %(h)s điểm ảnh, tối đa 24 megapixel). Vui lòng "
                                    "chụp lại hoặc thu nhỏ ảnh.", name=_short(filename), w=probe.width, h=probe.height))
                probe.verify()  # checks the file's structure; the image must be reopened after this
            with Image.open(io.BytesIO(raw)) as image:
                return _reencode(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise not_image from None


def _short(filename: str) -> str:
    name = Path(filename or "").name
    return name if len(name) <= 40 else name[:37] + "…"


def _reencode(image: Image.Image) -> Photo:
    """Fresh pixels only: EXIF (GPS, camera, time), ICC, XMP and comments are all left behind."""
    image.load()
    image = ImageOps.exif_transpose(image)  # keep the photo upright once its orientation tag is gone
    keep_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if keep_alpha else "RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    buffer = io.BytesIO()
    if keep_alpha:
        clean.save(buffer, format="PNG", optimize=True)
        return Photo(buffer.getvalue(), "image/png", "png", clean.width, clean.height)
    clean.save(buffer, format="JPEG", quality=85, optimize=True)
    return Photo(buffer.getvalue(), "image/jpeg", "jpg", clean.width, clean.height)


def store_photos(session: Session, feedback: Feedback, photos: list[Photo], upload_dir: str) -> list[Attachment]:
    """Write the photos and their Attachment rows; on any failure remove what was written."""
    written: list[Path] = []
    try:
        rows = []
        for photo in photos:
            name = f"{local_date_of(utcnow()):%Y/%m}/{uuid.uuid4().hex}.{photo.extension}"
            path = Path(upload_dir) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(photo.data)
            written.append(path)
            rows.append(Attachment(feedback_id=feedback.id, stored_name=name, content_type=photo.content_type,
                                   size=len(photo.data), width=photo.width, height=photo.height))
        session.add_all(rows)
        session.flush()  # a failing insert must surface here, while the files can still be removed
        return rows
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def path_of(attachment: Attachment, upload_dir: str) -> Path:
    """The stored file; the name was made by ``store_photos``, never by a user, so it cannot escape."""
    return Path(upload_dir) / attachment.stored_name


class InvalidWithPhotos(ValidationError):
    """The PAKN is refused; ``photos`` are the ones that passed, so the form can keep them."""

    def __init__(self, fields: dict, photos: list[Photo]):
        super().__init__(_l("Phản ánh, kiến nghị chưa hợp lệ. Vui lòng sửa các mục được đánh dấu."), fields=fields)
        self.photos = photos


def submit_with_photos(session: Session, *, unit, data: dict, files, upload_dir: str, kept: list[Photo] = (),
                       **submit_options) -> Feedback:
    """Check the PAKN and its photos together (every error at once), then receive it and store the photos.

    ``kept`` are photos already checked on an earlier try of the same form.
    """
    from hailong import feedback as intake

    errors: dict = {}
    feedback_in = None
    photos = list(kept)
    try:
        feedback_in = intake.parse_feedback(data)
    except ValidationError as error:
        errors.update(error.fields)
    try:
        photos += check_photos(files)
        if len(photos) > MAX_PHOTOS:
            raise _error(_l("Chỉ gửi được tối đa %(n)s ảnh.", n=MAX_PHOTOS))
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise InvalidWithPhotos(errors, photos[:MAX_PHOTOS] if "photos" not in errors else list(kept))
    feedback = intake.submit_feedback(session, unit=unit, feedback_in=feedback_in, **submit_options)
    store_photos(session, feedback, photos, upload_dir)
    return feedback
