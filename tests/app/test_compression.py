"""Responses the app serves itself are gzipped when large enough (nginx does it in production)."""
import gzip

from tests.conftest import rating_body


def test_static_text_is_gzipped_once_and_revalidates_with_304(client):
    plain = client.get("/static/css/app.css")
    original = plain.get_data()
    plain.close()  # a file response: the test client leaves closing it to the caller
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    zipped = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == original and len(zipped.data) < len(original) / 2
    etag = zipped.headers["ETag"]
    assert etag.startswith("W/")
    again = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    again.close()
    assert again.status_code == 304


def test_pages_are_gzipped_and_small_answers_are_not(client, world):
    page = client.get("/public", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip"
    assert "<html" in gzip.decompress(page.data).decode()
    tap = client.post("/api/v1/ratings", json=rating_body(),
                      headers={"Authorization": f"Bearer {world.token}", "Accept-Encoding": "gzip"})
    assert tap.status_code == 201 and "Content-Encoding" not in tap.headers  # under 500 B
