"""gzip for text responses when the app itself is the server (nginx does it in production).

A kiosk on a slow commune LAN, or a leader's phone on 3G, should not download 20 kB of HTML
or 100 kB of CSS and JavaScript uncompressed when gunicorn serves them directly. Static files
are compressed once per version (their ETag) and kept; pages are compressed per response.
"""
from __future__ import annotations

import functools
import gzip

from flask import Flask, Response, request

MIN_SIZE = 500  # below this the gzip header costs more than it saves
TEXT_TYPES = frozenset({"application/json", "application/javascript", "text/javascript", "image/svg+xml",
                        "application/xml", "application/manifest+json"})
LEVEL = 6


def init_app(app: Flask) -> None:
    app.after_request(compress)


def compress(response: Response) -> Response:
    """Gzip a text response of 500 B or more for a client that accepts it."""
    if not _compressible(response):
        return response
    etag, weak = response.get_etag()
    if response.direct_passthrough:  # a static file: compressed once per version
        response.direct_passthrough = False
        source = response.response
        data = response.get_data()
        if hasattr(source, "close"):
            source.close()  # the file it was read from
        body = _gzipped_file(etag, data) if etag else gzip.compress(data, LEVEL)
    else:
        body = gzip.compress(response.get_data(), LEVEL)
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    if etag:
        # Another representation of the same resource: a weak tag still answers If-None-Match with 304.
        response.set_etag(etag, weak=True)
    return response


def _compressible(response: Response) -> bool:
    if response.status_code != 200 or "Content-Encoding" in response.headers or request.method == "HEAD":
        return False
    if "gzip" not in request.headers.get("Accept-Encoding", ""):
        return False
    if response.is_streamed and not response.direct_passthrough:
        return False  # a generated stream (an export) is sent as it is made, not buffered here
    mimetype = response.mimetype or ""
    if not (mimetype.startswith("text/") or mimetype in TEXT_TYPES):
        return False
    length = response.content_length
    return length is None or length >= MIN_SIZE


@functools.lru_cache(maxsize=256)
def _gzipped_file(etag: str, data: bytes) -> bytes:
    # Keyed by the ETag (and the bytes, which hash cheaply next to compressing them again).
    return gzip.compress(data, LEVEL)
