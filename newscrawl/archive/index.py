"""The capture index of WARC files: which www.dawn.com captures each file holds, and where.

Built once when a replay starts, never scanned per request. Each WARC file gets a CDXJ-like index beside it,
`<file>.cdxj`: a first line `!meta {"size": ..., "mtime_ns": ..., "version": ..., "complete": ..., "damaged": N}`
naming the state of the WARC file it was built from, whether the scan read it to its end, and how many regions of
it could not be read, then one line per capture, `<key> <WARC-Date> {json}`. Freshness rule: the sidecar is used
while the WARC file's size and modification time are the ones it names, its version is this code's and its scan
was complete; otherwise (a file grown, rewritten or replaced, a scan cut short) it is rebuilt. A reused sidecar
reports the file's damage again. Files still `.open` are always indexed afresh and get no sidecar. Where the
sidecar cannot be written (a read-only archive) the index is kept in memory for the run.

Reading resynchronises after damage (newscrawl.archive.resync): a damaged region costs the records in it, never
the ones after it; the regions are counted per file (`CaptureIndex.damaged`). The torn last record of an `.open`
file (a crawl writing it, or killed) is expected there and counted as `open_tail`, not as damage.

Indexed: `response` and `revisit` records of www.dawn.com. Records of other hosts, requests, metadata and
`WARC-Truncated` records (their payload is cut short; an article from them would be cut short too) are
counted and left out.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from newscrawl.urls import SITE_HOST, article_id_from_url, is_amp_url, strip_query
from newscrawl.archive.recorder import RENDERED_FIELD
from newscrawl.archive.recovery import OPEN_SUFFIX
from newscrawl.archive.resync import Damage, readable_records

logger = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".cdxj"
INDEX_VERSION = 2  # 2: offset_in_member, and the scan's completeness and damage in !meta


def warc_time(value: str) -> datetime:
    """A WARC-Date (or NEWSCRAWL_REPLAY_AT) as an aware datetime; no offset means UTC."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def capture_key(url: str) -> str:
    """Captures of one page share a key: an article's id (any slug, any query string), else the URL itself."""
    article_id = article_id_from_url(url)
    return f"article:{article_id}" if article_id is not None else url.split("#", 1)[0]


@dataclass(frozen=True)
class Capture:
    url: str
    date: str  # WARC-Date, ISO 8601 UTC: sorts as time
    type: str  # "response" or "revisit"
    status: int | None
    digest: str | None
    file: str
    offset: int
    length: int
    rendered: bool = False
    refers_to_url: str | None = None
    refers_to_date: str | None = None
    offset_in_member: int = 0  # >0: one of several records of the gzip member at `offset` (newscrawl.archive.resync)


def status_of(http_headers) -> int | None:
    """The HTTP status of a record's headers; None when it is no number (a foreign archive's oddity)."""
    code = http_headers.get_statuscode()
    return int(code) if code.isdigit() else None


def _capture(record, file: Path, spot) -> Capture:
    headers = record.rec_headers
    http = record.http_headers
    status = status_of(http) if http is not None else None
    return Capture(url=headers.get_header("WARC-Target-URI"), date=headers.get_header("WARC-Date") or "",
                   type=record.rec_type, status=status, digest=headers.get_header("WARC-Payload-Digest"),
                   file=str(file), offset=spot.offset, length=spot.length,
                   rendered=bool(headers.get_header(RENDERED_FIELD)),
                   refers_to_url=headers.get_header("WARC-Refers-To-Target-URI"),
                   refers_to_date=headers.get_header("WARC-Refers-To-Date"),
                   offset_in_member=spot.offset_in_member)


def _kept(record, counts: Counter) -> bool:
    kind = record.rec_type
    if kind not in ("response", "revisit"):
        counts[f"other_records/{kind}"] += 1
        return False
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if (urlsplit(url).hostname or "").lower() != SITE_HOST:
        counts["other_host"] += 1
        return False
    if record.rec_headers.get_header("WARC-Truncated"):
        counts["truncated"] += 1
        return False
    return True


@dataclass
class Scan:
    captures: list[Capture]
    complete: bool = True  # read to the end of the file (damaged regions skipped)
    damaged: int = 0  # regions that could not be read


def scan(path: Path, counts: Counter) -> Scan:
    """Read every record of one WARC file, past damage, keeping the www.dawn.com captures."""
    result = Scan([])
    is_open = path.name.endswith(OPEN_SUFFIX)
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            for found in readable_records(file, size):
                if isinstance(found, Damage):
                    if is_open and found.offset + found.size >= size:
                        counts["open_tail"] += 1  # the record a crawl is (or was, killed) writing
                        continue
                    result.damaged += 1
                    logger.warning("%s: unreadable region at byte %d (%d bytes%s); reading on after it", path,
                                   found.offset, found.size,
                                   " of the decompressed gzip member there" if found.in_member else "")
                elif _kept(found[1], counts):
                    result.captures.append(_capture(found[1], path, found[0]))
    except Exception as exc:  # noqa: BLE001 - an I/O error: keep what read back, and say the scan is incomplete
        logger.warning("%s: scan stopped after %d captures (%s: %s)", path, len(result.captures),
                       type(exc).__name__, exc)
        result.complete = False
        result.damaged += 1
    if result.damaged:
        counts["damaged_files"] += 1
    return result


def scan_file(path: Path, counts: Counter) -> list[Capture]:
    """The www.dawn.com captures of one WARC file, read past damage (regions counted by `scan`)."""
    return scan(path, counts).captures


def _stamp(path: Path) -> dict:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "version": INDEX_VERSION}


def _read_sidecar(path: Path, sidecar: Path) -> Scan | None:
    try:
        with open(sidecar, encoding="utf-8") as lines:
            meta = next(lines)
            if not meta.startswith("!meta "):
                return None
            meta = json.loads(meta[6:])
            stamp = {name: meta.get(name) for name in ("size", "mtime_ns", "version")}
            if stamp != _stamp(path) or meta.get("complete") is not True:
                return None
            return Scan([Capture(**json.loads(line.split(" ", 2)[2])) for line in lines],
                        damaged=int(meta.get("damaged", 0)))
    except (OSError, ValueError, TypeError, IndexError, StopIteration):
        return None


def _write_sidecar(path: Path, sidecar: Path, result: Scan) -> None:
    meta = {**_stamp(path), "complete": result.complete, "damaged": result.damaged}
    lines = [f"!meta {json.dumps(meta)}\n"]
    lines += [f"{capture_key(c.url)} {c.date} {json.dumps(asdict(c), ensure_ascii=False)}\n" for c in result.captures]
    temporary = sidecar.with_name(f".{sidecar.name}.{os.getpid()}")
    try:
        temporary.write_text("".join(lines), encoding="utf-8")
        os.replace(temporary, sidecar)
    except OSError as exc:
        logger.info("%s: index kept in memory (%s)", sidecar, exc)


def index_file(path: Path, counts: Counter, damaged: dict[str, int] | None = None) -> list[Capture]:
    """The captures of one WARC file, from its fresh sidecar index or by reading the file (then cached); the
    file's unreadable regions go into `damaged` (path -> regions), from the scan or as the sidecar names them."""
    if path.name.endswith(OPEN_SUFFIX):
        result = scan(path, counts)
    elif (result := _read_sidecar(path, sidecar := path.with_name(path.name + SIDECAR_SUFFIX))) is not None:
        counts["sidecar_reused"] += 1
        if result.damaged:
            counts["damaged_files"] += 1
            logger.warning("%s: %d unreadable regions (as its index says)", path, result.damaged)
    else:
        result = scan(path, counts)
        counts["files_indexed"] += 1
        _write_sidecar(path, sidecar, result)
    if result.damaged and damaged is not None:
        damaged[str(path)] = result.damaged
    return result.captures


class CaptureIndex:
    """Captures by key across all files; chooses the capture that answers a URL."""

    def __init__(self, files: list[Path]):
        self.counts: Counter = Counter()
        self.damaged: dict[str, int] = {}  # WARC file -> regions that could not be read
        self.by_key: dict[str, list[Capture]] = defaultdict(list)
        for path in files:
            for capture in index_file(path, self.counts, self.damaged):
                self.by_key[capture_key(capture.url)].append(capture)
        for captures in self.by_key.values():
            captures.sort(key=lambda c: warc_time(c.date))

    def __len__(self) -> int:
        return sum(len(c) for c in self.by_key.values())

    def captures(self, url: str) -> list[Capture]:
        return self.by_key.get(capture_key(url)) or self.by_key.get(capture_key(strip_query(url))) or []

    def choose(self, url: str, rendered: bool = False, at: datetime | None = None) -> Capture | None:
        """The latest capture of the URL (plain or rendered), or the one nearest `at` (the later one on a tie). An
        article's AMP copy (`/news/amp/<id>`) answers only when the archive holds no other capture of it: the
        canonical page is the article."""
        candidates = [c for c in self.captures(url) if c.rendered == rendered]
        candidates = [c for c in candidates if not is_amp_url(c.url)] or candidates
        if not candidates:
            return None
        if at is None:
            return candidates[-1]
        return min(reversed(candidates), key=lambda c: abs(warc_time(c.date) - at))

    def original(self, revisit: Capture) -> Capture | None:
        """The response a revisit record points to: its target URL and date, else the same digest."""
        candidates = [c for c in self.captures(revisit.refers_to_url or revisit.url) if c.type == "response"]
        for capture in reversed(candidates):
            if capture.url == revisit.refers_to_url and capture.date == revisit.refers_to_date:
                return capture
        same_digest = [c for c in candidates if c.digest == revisit.digest
                       and warc_time(c.date) <= warc_time(revisit.date)]
        return same_digest[-1] if same_digest else None

    def article_urls(self) -> list[str]:
        """One URL per article id with a plain capture of the page (not a 404 or other error answer): the URL
        of its latest such capture."""
        urls = []
        for key, captures in sorted(self.by_key.items()):
            pages = [c for c in captures if not c.rendered and (c.status is None or c.status < 400)]
            if key.startswith("article:") and pages:
                urls.append(pages[-1].url)
        return urls
