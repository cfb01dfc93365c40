"""Brotli or gzip for text answers, as the client's Accept-Encoding allows.

Runs after every other after-request step, so the API's kept answers hold the body as the
view made it and each client gets it in its own encoding. An encoded body is another
representation of the same content: its ETag becomes weak (W/"…"), so it never passes for
the plain body in a strong comparison, while a weak If-None-Match still matches the plain
tag and gets its 304 before any query runs. Streamed exports (CSV, iCalendar) are encoded as
they stream, chunk by chunk, and never held whole.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

import brotli
from flask import Flask, Response, request

COMPRESSIBLE = {
    "text/html", "text/css", "text/javascript", "application/javascript", "text/plain",
    "application/json", "text/csv", "image/svg+xml", "application/xml", "text/xml",
    "application/atom+xml", "text/calendar",
}  # fmt: skip
SMALLEST = 500  # below about this, headers and framing eat what encoding saves
BROTLI_QUALITY = 5  # near gzip -6's speed, a tenth smaller
GZIP_LEVEL = 6


def _encoding() -> str | None:
    """The client's preferred of br and gzip, or None for the plain body."""
    accepted = request.accept_encodings
    best = max(("br", "gzip"), key=lambda coding: accepted.quality(coding))
    return best if accepted.quality(best) > 0 else None


def _worth_encoding(response: Response) -> bool:
    if not 200 <= response.status_code < 300 or response.status_code in (204, 206):
        return False
    if request.method == "HEAD" or "Content-Encoding" in response.headers:
        return False
    if response.direct_passthrough:
        _read_whole(response)
    return response.is_streamed or len(response.get_data()) >= SMALLEST


def _read_whole(response: Response) -> None:
    """A static file's body read into memory and its file closed: it is encoded whole."""
    source = response.response
    response.direct_passthrough = False
    response.set_data(b"".join(response.iter_encoded()))
    getattr(source, "close", lambda: None)()


def _weaken_etag(response: Response) -> None:
    tag, weak = response.get_etag()
    if tag and not weak:
        response.set_etag(tag, weak=True)


def _encoded_chunks(chunks: Iterable[bytes], coding: str, source: object = None) -> Iterator[bytes]:
    if coding == "br":
        encoder = brotli.Compressor(quality=BROTLI_QUALITY)
        encode, finish = encoder.process, encoder.finish
    else:
        encoder = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        encode, finish = encoder.compress, encoder.flush
    try:
        for chunk in chunks:
            if out := encode(chunk):
                yield out
        yield finish()
    finally:
        # The export's own generator holds a request context and a database session.
        close = getattr(source, "close", None)
        if close:
            close()


def _compress(response: Response) -> Response:
    if response.mimetype not in COMPRESSIBLE and response.status_code != 304:
        return response
    response.vary.add("Accept-Encoding")
    coding = _encoding()
    if response.status_code == 304:
        if coding and f'W/"{response.get_etag()[0]}"' in request.headers.get("If-None-Match", ""):
            _weaken_etag(response)  # the client holds the encoded copy: name it as it was sent
        return response
    if coding is None or not _worth_encoding(response):
        return response
    if response.is_streamed:
        source = response.response
        response.response = _encoded_chunks(response.iter_encoded(), coding, source)
        response.headers.pop("Content-Length", None)
    else:
        response.set_data(b"".join(_encoded_chunks([response.get_data()], coding)))
    response.headers["Content-Encoding"] = coding
    _weaken_etag(response)
    return response


def init_app(app: Flask) -> None:
    # Flask runs after-request functions last registered first: at the front of the list,
    # this one runs after all the others and sees the body they settled on.
    app.after_request_funcs.setdefault(None, []).insert(0, _compress)
