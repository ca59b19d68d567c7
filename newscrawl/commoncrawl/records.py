"""One WARC record from Common Crawl's data server: a Range request, and the checks that it is what the index said.

A record checks out when the server answered 206 with exactly `length` bytes, the bytes are one gzip member with
nothing after it, holding one WARC `response` record whose WARC-Target-URI is the capture's URL. Otherwise the
reason is given (`not_partial`, `short`, `not_one_gzip_member`, `not_a_response`, `wrong_url`); a record carrying
`WARC-Truncated` checks out but is `truncated` (a page cut short would give an article cut short).

The page comes out as Common Crawl stored it, so it can be archived as such: status, headers and payload, the
chunked transfer coding undone (Scrapy's own client undoes it too, and the recorder keeps no Transfer-Encoding), a
gzip/deflate/br payload left encoded under its Content-Encoding (Scrapy's HttpCompressionMiddleware decodes it, as
for any download), and a payload Common Crawl decoded itself (its header renamed X-Crawler-Content-Encoding) as is.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from io import BytesIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader

from newscrawl.commoncrawl.client import PoliteClient

# how the payload travelled from Dawn to Common Crawl: no longer true once dechunked and re-stored
TRAVEL_HEADERS = {"transfer-encoding", "content-length"}


@dataclass(frozen=True)
class CapturedPage:
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # as stored, dechunked
    warc_date: str
    target_uri: str
    truncated: str | None  # the WARC-Truncated reason, when Common Crawl cut the payload


class BadRecord(ValueError):
    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


def record_url(data_base: str, filename: str) -> str:
    return f"{data_base.rstrip('/')}/{filename.lstrip('/')}"


def fetch_record(client: PoliteClient, data_base: str, capture: dict) -> CapturedPage:
    """The capture's record, checked; BadRecord says why not."""
    offset, length = int(capture["offset"]), int(capture["length"])
    url = record_url(data_base, capture["filename"])
    answer = client.get(url, {"Range": f"bytes={offset}-{offset + length - 1}"})
    if answer.status != 206:
        raise BadRecord("not_partial", f"{url} answered HTTP {answer.status} to a Range request")
    if len(answer.body) != length:
        raise BadRecord("short", f"{url}@{offset}: {len(answer.body)} bytes, the index says {length}")
    return read_record(answer.body, capture["url"])


def read_record(member: bytes, expected_url: str) -> CapturedPage:
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        raw = inflater.decompress(member) + inflater.flush()
    except zlib.error as exc:
        raise BadRecord("not_one_gzip_member", str(exc)) from None
    if not inflater.eof or inflater.unused_data:
        raise BadRecord("not_one_gzip_member", f"{len(inflater.unused_data)} bytes after the first member")
    records = ArchiveIterator(BytesIO(raw), no_record_parse=False, ensure_http_headers=True)
    record = next(records, None)
    if record is None or record.rec_type != "response" or record.http_headers is None:
        kind = record.rec_type if record is not None else "nothing"
        raise BadRecord("not_a_response", f"the record is {kind}, not an HTTP response")
    headers = record.rec_headers
    target = headers.get_header("WARC-Target-URI")
    if target != expected_url:
        raise BadRecord("wrong_url", f"the record is of {target}, the index says {expected_url}")
    http = record.http_headers
    payload = record.raw_stream.read()
    if "chunked" in (http.get_header("transfer-encoding") or "").lower():
        payload = ChunkedDataReader(BytesIO(payload)).read()
    if next(records, None) is not None:
        raise BadRecord("not_one_gzip_member", "more than one record in the member")
    status = int((http.get_statuscode() or "0")[:3])
    kept = [(name, value) for name, value in http.headers if name.lower() not in TRAVEL_HEADERS]
    return CapturedPage(status, kept, payload, headers.get_header("WARC-Date"), target,
                        headers.get_header("WARC-Truncated"))
