"""Replay: answer requests from WARC archives (setting NEWSCRAWL_REPLAY=PATH[,PATH...]).

PATH is a WARC file (`.warc` or `.warc.gz`, also one still `.open`), a glob, or a directory (searched
recursively). The archives are indexed once (newscrawl.archive.index); a request is answered with the chosen
capture's status, headers and payload, read from the file at the capture's offset. The payload is given as
the page: chunked transfer coding and Content-Encoding (gzip, deflate, br) are undone here, as a browser
would, and their headers dropped. A revisit answers with its own status and headers and the payload of the
capture it points to. A URL without a capture answers 404, as in the mirror.

A capture that is one of several records of a gzip member (a `.warc.gz` written as one gzip stream) is read
from that member decompressed once, for the run, into a temporary file. The regions of the files that could not
be read (newscrawl.archive.resync) are reported once the crawl logs: a warning per file and the stats
`newscrawl/replay/damaged_files` and `newscrawl/replay/unreadable/<file name>` (`report_damage`).
"""

from __future__ import annotations

import glob
import logging
import tempfile
from functools import lru_cache
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader

from newscrawl.archive.index import Capture, CaptureIndex, status_of, warc_time
from newscrawl.archive.resync import decompress_member
from newscrawl.stats_keys import REPLAY_DAMAGED_FILES, REPLAY_UNREADABLE

logger = logging.getLogger(__name__)

NOT_FOUND = (404, {"Content-Type": "text/html; charset=utf-8"}, b"")
WARC_NAMES = ("*.warc", "*.warc.gz", "*.warc.open", "*.warc.gz.open")
# Headers that describe how the payload travelled, which no longer holds once it is decoded here.
CODING_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


class ArchiveError(ValueError):
    """NEWSCRAWL_REPLAY names nothing usable; raised at start-up with the reason."""


def warc_files(spec: str) -> list[Path]:
    """The WARC files named by a comma-separated list of files, globs and directories."""
    files: list[Path] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        path = Path(part)
        if path.is_dir():
            found = [f for name in WARC_NAMES for f in path.rglob(name)]
        elif path.is_file():
            found = [path]
        else:
            found = [Path(f) for f in glob.glob(part, recursive=True) if Path(f).is_file()]
        if not found:
            raise ArchiveError(f"NEWSCRAWL_REPLAY: {part!r} names no WARC file")
        files += sorted(found)
    if not files:
        raise ArchiveError("NEWSCRAWL_REPLAY is empty")
    return list(dict.fromkeys(files))


class Archive:
    """Indexed WARC files answering URLs: `answer(url)` -> (status, headers, body), like the mirror."""

    def __init__(self, spec: str, at: str | None = None):
        self.files = warc_files(spec)
        self.at = warc_time(at) if at else None
        if at and self.at.year == 1:
            raise ArchiveError(f"NEWSCRAWL_REPLAY_AT={at}: not a time (YYYY-MM-DDTHH:MM:SS)")
        self.index = CaptureIndex(self.files)
        self._handles: dict[str, object] = {}
        self._members: dict[tuple[str, int], object] = {}  # (file, member offset) -> its decompressed copy
        logger.info("Replay: %d captures of www.dawn.com in %d WARC files (%s)", len(self.index), len(self.files),
                    ", ".join(f"{k} {v}" for k, v in sorted(self.index.counts.items())) or "nothing left out")

    # ---- answers ----------------------------------------------------------------------------------------
    def answer(self, url: str) -> tuple[int, dict, bytes]:
        return self._answer(self.index.choose(url, at=self.at)) or NOT_FOUND

    def answer_rendered(self, url: str) -> tuple[int, dict, bytes] | None:
        """What the browser returned for this page when it was recorded, or None when it was never rendered."""
        return self._answer(self.index.choose(url, rendered=True, at=self.at))

    def _answer(self, capture: Capture | None) -> tuple[int, dict, bytes] | None:
        if capture is None:
            return None
        status, headers, body = self.read(capture)
        if capture.type == "revisit":
            original = self.index.original(capture)
            if original is None:
                logger.warning("Replay: revisit of %s (%s) points to no capture in the archive", capture.url,
                               capture.date)
                return None
            original_status, original_headers, body = self.read(original)
            status, headers = (status, headers) if status is not None else (original_status, original_headers)
        return status or 200, headers, body

    def read(self, capture: Capture) -> tuple[int | None, dict, bytes]:
        """Status, headers and decoded payload of the record at the capture's offset."""
        handle = self._handles.get(capture.file)
        if handle is None:
            handle = self._handles[capture.file] = open(capture.file, "rb")
        if capture.offset_in_member:
            handle = self._member(handle, capture)
        handle.seek(capture.offset_in_member or capture.offset)
        record = next(iter(ArchiveIterator(handle)))
        http = record.http_headers
        if http is None:
            return None, {}, record.content_stream().read()
        body = record.content_stream().read() if record.rec_type == "response" else b""
        status = status_of(http)
        encoding = (http.get_header("content-encoding") or "").lower()
        decoded = encoding in BufferedReader.get_supported_decompressors()
        headers: dict[str, str] = {}
        for name, value in http.headers:
            if name.lower() in CODING_HEADERS and (decoded or name.lower() != "content-encoding"):
                continue
            headers[name] = f"{headers[name]}, {value}" if name in headers else value  # as the mirror: one each
        return status, headers, body

    def _member(self, handle, capture: Capture):
        """The decompressed data of the gzip member holding the capture, made once per member and run."""
        key = (capture.file, capture.offset)
        if key not in self._members:
            member = decompress_member(handle, capture.offset, into=tempfile.TemporaryFile())
            if member is None:
                raise OSError(f"{capture.file}: the gzip member at byte {capture.offset} no longer decompresses")
            self._members[key] = member.data
        return self._members[key]

    def article_urls(self) -> list[str]:
        return self.index.article_urls()

    def report_damage(self, stats) -> None:
        """Log each damaged file and count its unreadable regions in the crawl's stats (called once logging runs:
        the archive is indexed before it, when the crawl command checks its settings)."""
        for path, regions in sorted(self.index.damaged.items()):
            logger.warning("Replay: %s: %d regions could not be read (records in them are lost; every record after "
                           "them was read)", path, regions)
            stats.set_value(f"{REPLAY_UNREADABLE}/{Path(path).name}", regions)
        if self.index.damaged:
            stats.set_value(REPLAY_DAMAGED_FILES, len(self.index.damaged))

    def close(self) -> None:
        for handle in [*self._handles.values(), *self._members.values()]:
            handle.close()
        self._handles.clear()
        self._members.clear()


@lru_cache(maxsize=4)
def load_archive(spec: str, at: str | None = None) -> Archive:
    """One Archive per (spec, at) in a process: the download handler and the spider share its index."""
    return Archive(spec, at)
