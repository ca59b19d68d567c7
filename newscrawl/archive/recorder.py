"""Recording: every response the crawl downloads, as gzip WARC files (setting NEWSCRAWL_WARC_DIR).

Each download becomes a `response` record (the HTTP status line, headers and payload as the server sent them)
and a `request` record pointing to it with WARC-Concurrent-To; warcio writes both, with WARC-Payload-Digest. A
response whose payload digest equals the last capture of the same URL is written as a `revisit` record
(profile identical-payload-digest) instead, as Heritrix does; the last digest of each URL is kept in
`revisits.sqlite` in the WARC directory, so it survives from one scheduled run to the next.

Files are named `newscrawl-<UTC time to the microsecond>-<serial>-<pid>.warc.gz`, so they sort by time, carry
the suffix `.open` until closed, and are closed once they reach NEWSCRAWL_WARC_MAX_BYTES (one record may go
past it). Each record is flushed to the operating system as soon as it is written, so a killed crawl loses at
most the record being written (newscrawl.archive.recovery closes such files on the next start).
"""

from __future__ import annotations

import fcntl
import itertools
import logging
import os
import socket
import sqlite3
import zlib
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import GzippingWrapper, WARCWriter

from newscrawl.stats_keys import WARC
from newscrawl.archive.recovery import OPEN_SUFFIX, close_abandoned

logger = logging.getLogger(__name__)

RENDERED_FIELD = "WARC-Newscrawl-Rendered"  # on a response the browser returned: the browser's name
# Headers that describe the transfer, not the payload: Scrapy's HTTP client has already undone the chunking,
# so the recorded payload is not chunked and its length is the recorded one.
TRANSFER_HEADERS = frozenset({b"transfer-encoding", b"content-length"})
# A rendered page is the browser's DOM, never encoded, whatever the server's response said.
RENDERED_SKIPPED_HEADERS = TRANSFER_HEADERS | {b"content-encoding"}
_serials = itertools.count()  # file serials, unique in the process (its crawls may record into one directory)


def http_status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def header_list(headers, skip=frozenset()) -> list[tuple[str, str]]:
    """Scrapy Headers (every value of every name, in order) as warcio's list of (name, value) strings."""
    pairs = []
    for name, values in headers.items():
        if name.lower() in skip:
            continue
        pairs += [(name.decode("latin-1"), value.decode("latin-1")) for value in values]
    return pairs


GZIP_LEVEL = 6  # warcio compresses at 9: three times the CPU for files a few per cent smaller


class LevelGzip(GzippingWrapper):
    """warcio's per-record gzip member, at GZIP_LEVEL."""

    def __init__(self, out):
        super().__init__(out)
        self.compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)


class GzipWARCWriter(WARCWriter):
    """warcio's WARC writer, each record its own gzip member (as with gzip=True), at GZIP_LEVEL."""

    def __init__(self, filebuf, **kwargs):
        super().__init__(filebuf, gzip=False, **kwargs)

    def _write_warc_record(self, out, record):
        return super()._write_warc_record(LevelGzip(out), record)


class DigestMemory:
    """The payload digest of the last capture of each URL, in SQLite beside the WARC files."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        # no fsync per record: a lost last digest after a power cut costs one full response instead of a revisit
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS last_capture (url TEXT PRIMARY KEY, digest TEXT NOT NULL,"
                        " warc_date TEXT NOT NULL, record_id TEXT NOT NULL)")

    def last(self, url: str) -> tuple[str, str, str] | None:
        return self.db.execute("SELECT digest, warc_date, record_id FROM last_capture WHERE url = ?", (url,)).fetchone()

    def remember(self, url: str, digest: str, warc_date: str, record_id: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO last_capture VALUES (?, ?, ?, ?)", (url, digest, warc_date, record_id))

    def close(self) -> None:
        self.db.close()


class WarcRecorder:
    """Writes request/response (or revisit) pairs into rotating gzip WARC files in one directory."""

    def __init__(self, directory: str | Path, max_bytes: int, software: str, user_agent: str, robots: str,
                 stats=None):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.info = {"software": software, "hostname": socket.gethostname(), "http-header-user-agent": user_agent,
                     "robots": robots, "format": "WARC File Format 1.1",
                     "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"}
        self.stats = stats
        for path in close_abandoned(self.directory):
            logger.warning("Closed a WARC file left open by an earlier crawl: %s", path)
            self._inc("recovered_files")
        self.digests = DigestMemory(self.directory / "revisits.sqlite")
        self.file = None
        self.path: Path | None = None
        self.writer: WARCWriter | None = None

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"{WARC}/{key}", count)

    # ---- files ------------------------------------------------------------------------------------------
    def _open(self) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        name = f"newscrawl-{stamp}-{next(_serials):05d}-{os.getpid()}.warc.gz"
        self.path = self.directory / name
        self.file = open(self.directory / (name + OPEN_SUFFIX), "xb")
        # held while writing: recovery (another crawl's start) leaves a locked file alone
        fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.writer = GzipWARCWriter(self.file, warc_version="1.1")
        self.writer.write_record(self.writer.create_warcinfo_record(name, self.info))
        self._inc("files")

    def _close_file(self) -> None:
        if self.file is None:
            return
        self.file.flush()
        os.fsync(self.file.fileno())
        os.rename(self.file.name, self.path)  # drops .open: the file is complete
        self.file.close()
        self.file = self.writer = None

    def close(self) -> None:
        self._close_file()
        self.digests.close()

    # ---- records ----------------------------------------------------------------------------------------
    def record(self, request, response, rendered_by: str | None = None, warc_fields: dict | None = None) -> str:
        """Write one download; returns "response" or "revisit". `warc_fields`: more WARC headers (provenance)."""
        if self.file is None:
            self._open()
        writer = self.writer
        url = response.url
        protocol = getattr(response, "protocol", None) or "HTTP/1.1"
        http_headers = StatusAndHeaders(http_status_line(response.status),
                                        header_list(response.headers, RENDERED_SKIPPED_HEADERS if rendered_by else TRANSFER_HEADERS),
                                        protocol=protocol)
        warc_fields = {**(warc_fields or {}), **({RENDERED_FIELD: rendered_by} if rendered_by else {})}
        if address := getattr(response, "ip_address", None):
            warc_fields["WARC-IP-Address"] = str(address)
        record = writer.create_warc_record(url, "response", payload=BytesIO(response.body),
                                           length=len(response.body), http_headers=http_headers,
                                           warc_headers_dict=warc_fields)
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        kind = "response"
        previous = self.digests.last(self._memory_key(url, rendered_by))
        if previous is not None and previous[0] == digest:
            kind = "revisit"
            record = writer.create_revisit_record(url, digest, url, previous[1], http_headers=http_headers,
                                                  warc_headers_dict={**warc_fields, "WARC-Refers-To": previous[2]})
        writer.write_request_response_pair(self._request_record(request, url), record)
        self.file.flush()
        if kind == "response":
            headers = record.rec_headers
            self.digests.remember(self._memory_key(url, rendered_by), digest, headers.get_header("WARC-Date"),
                                  headers.get_header("WARC-Record-ID"))
        self._inc(f"records/{kind}")
        if self.file.tell() >= self.max_bytes:
            self._close_file()
        return kind

    @staticmethod
    def _memory_key(url: str, rendered_by: str | None) -> str:
        return f"rendered:{url}" if rendered_by else url

    def _request_record(self, request, url: str):
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = [("Host", parts.netloc), *header_list(request.headers)]
        http_headers = StatusAndHeaders(f"{request.method} {target} HTTP/1.1", headers, is_http_request=True)
        return self.writer.create_warc_record(url, "request", payload=BytesIO(request.body or b""),
                                              length=len(request.body or b""), http_headers=http_headers)
