"""Downloader middleware: an HTML page's encoding in the HTML standard's order, with a detector that does not guess
a Central European code page for an English page.

The standard's order is: a byte order mark, the Content-Type header's charset, a `<meta charset>` (or
`http-equiv`) in the first bytes, and only then a guess. Scrapy follows the first three (its TextResponse reads
them); for the guess it asks charset-normalizer, which on a short English page in windows-1252 or latin-1 answers
cp1250, cp775 or cp1257 just as readily ("naïve" written as "naďve"): every single-byte Latin code page decodes
those bytes, and a few accented letters cannot tell them apart. Here the guess is: UTF-8 when the bytes are valid
UTF-8; else the detector's answer, unless windows-1252 reads the bytes as well as its best candidate, in which case
windows-1252 (the standard's fallback for an unlabeled page of an English locale, and a superset of latin-1's
printable characters). UTF-16 without a BOM is still found by the detector (its zero bytes leave no doubt).

The encoding found is set on the response (`response.replace(encoding=...)`), so the truncation check
(newscrawl/downloader/truncation.py, after this one on the way back), the parser and a worker process all read the
page the same way.
"""

from __future__ import annotations

from charset_normalizer import from_bytes
from scrapy.http import HtmlResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

# the standard's fallback for an unlabeled page of an English locale
FALLBACK_ENCODING = "cp1252"
# the detector reads at most this much of a page: enough for its statistics, bounded on an 8 MiB page
DETECT_BYTES = 256 * 1024


def declared_encoding(body: bytes, content_type: str) -> str | None:
    """The encoding a page declares, in the standard's order: BOM, Content-Type header, `<meta>`; None."""
    return read_bom(body)[0] or http_content_type_encoding(content_type) or html_body_declared_encoding(body)


def sniffed_encoding(body: bytes) -> str:
    """The encoding of a page that declares none: UTF-8 when it decodes as UTF-8, else the detector's best answer
    unless windows-1252 reads the page as well (then windows-1252), else windows-1252."""
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    matches = from_bytes(body[:DETECT_BYTES])
    best = matches.best()
    if best is None:
        return FALLBACK_ENCODING
    as_good = {match.encoding for match in matches if match.chaos <= best.chaos}
    return FALLBACK_ENCODING if FALLBACK_ENCODING in as_good else best.encoding


class EncodingMiddleware:
    """Sets the sniffed encoding on an HTML response that declares none (a declared one is Scrapy's already)."""

    def process_response(self, request, response):
        if not isinstance(response, HtmlResponse) or not response.body:
            return response
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if declared_encoding(response.body, content_type):
            return response
        return response.replace(encoding=sniffed_encoding(response.body))
