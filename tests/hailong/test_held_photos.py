"""Photos held while a PAKN form is fixed: back by their token only, and gone once expired."""
import io
import os
import time

from PIL import Image

from hailong import held_photos
from hailong.attachments import check_photos


class Upload:
    def __init__(self, data: bytes, filename: str):
        self.stream, self.filename = io.BytesIO(data), filename

    def read(self, size=-1):
        return self.stream.read(size)


def a_photo():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buffer, format="JPEG")
    return check_photos([Upload(buffer.getvalue(), "a.jpg")])


def test_held_photos_come_back_by_their_token_then_are_released(tmp_path):
    token = held_photos.hold(a_photo(), str(tmp_path))
    [photo] = held_photos.take(token, str(tmp_path))
    assert (photo.content_type, photo.width, photo.height) == ("image/jpeg", 64, 48)
    held_photos.release(token, str(tmp_path))
    assert held_photos.take(token, str(tmp_path)) == []


def test_a_malformed_or_unknown_token_reaches_nothing(tmp_path):
    held_photos.hold(a_photo(), str(tmp_path))
    for token in ("../../etc/passwd", "", None, "A" * 22, "..%2F" * 5):
        assert held_photos.take(token, str(tmp_path)) == []


def test_old_holds_expire_and_are_swept(tmp_path):
    token = held_photos.hold(a_photo(), str(tmp_path))
    folder = tmp_path / "held" / token
    old = time.time() - held_photos.HOLD_FOR - 1
    os.utime(folder, (old, old))
    assert held_photos.take(token, str(tmp_path)) == []  # expired, even before a sweep
    held_photos.sweep(str(tmp_path))
    assert not folder.exists()
