"""Common Crawl as the tests' stub servers hold it: WARC files built from the offline site's pages (fixtures/site),
with real-looking CC-MAIN filenames and offsets, and the CDX lines that point into them.

Reconstruction: the layout (crawl ids, segment paths, file names, one gzip member per record, a warcinfo record
first, redirects and 404s under crawldiagnostics/, the CDX fields as JSON strings) follows the recorded examples
of /work/shared/COMMON_CRAWL.md; the pages are the offline site's own. What the stub holds (STORY):

- CC-MAIN-2025-26 (2025-06-16..25, overlapping the range 2025-06-16..19): most articles, captured 2025-06-19;
  1917388 twice (an older edition captured 2025-06-17 with another title, then the fixture's page on 06-19);
  1917703's newest capture truncated (WARC-Truncated), an older complete one beside it; 1917930 gzip-encoded,
  1917966 chunked, 1917972 decoded by the crawler (X-Crawler-Content-Encoding); a 301 of /news/1917668 and a 404
  of /news/1999999 under crawldiagnostics/; a capture of /news/ (not an article);
- CC-MAIN-2025-30 (July): later captures of some (1917388 updated again: never to be chosen, its range capture is
  newer-in-range), and 1918210, 1918211 captured only there;
- CC-MAIN-2025-28: no Dawn capture at all (the index answers 404 No Captures);
- CC-MAIN-2025-21 (May): ends before the range; holds a capture that a backfill must never read.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "fixtures" / "site"
EXPECTED = ROOT / "fixtures" / "expected"
CRAWLS = [  # collinfo.json, newest first, as Common Crawl lists them
    ("CC-MAIN-2025-30", "July 2025 Index", "2025-07-19T10:01:02", "2025-07-31T23:11:12"),
    ("CC-MAIN-2025-28", "July 2025 Index", "2025-07-05T00:00:00", "2025-07-15T23:00:00"),
    ("CC-MAIN-2025-26", "June 2025 Index", "2025-06-16T08:00:00", "2025-06-25T22:30:00"),
    ("CC-MAIN-2025-21", "May 2025 Index", "2025-05-12T01:00:00", "2025-05-25T20:00:00"),
]
SEGMENTS = {"CC-MAIN-2025-30": "1752901234567.40", "CC-MAIN-2025-26": "1750123456789.12",
            "CC-MAIN-2025-21": "1747012345678.33"}
RENDERED = {1918200, 1918201, 1918202}  # need JavaScript: a backfill has no browser
OUT_OF_RANGE = {1532195}  # published 2020: fetched (the index cannot tell) and dropped by the date range
ONLY_LATER = {1918210, 1918211}
SPECIAL = {1917930: "gzip", 1917966: "chunked", 1917972: "renamed"}
SINCE, UNTIL = "2025-06-16", "2025-06-19"


def site_articles() -> dict[int, tuple[str, bytes]]:
    """article id -> (the fixture's slug URL, the page) of every static article of the offline site."""
    articles = {}
    for path in sorted(EXPECTED.glob("1*.json")):
        fixture = json.loads(path.read_text())["fixture"]
        article_id = int(path.stem)
        if article_id not in RENDERED:
            articles[article_id] = (fixture["url"], (SITE / fixture["file"]).read_bytes())
    return articles


@dataclass
class WarcFile:
    name: str
    data: bytearray = field(default_factory=bytearray)

    def add(self, record_bytes: bytes) -> tuple[int, int]:
        offset = len(self.data)
        self.data += record_bytes
        return offset, len(record_bytes)


@dataclass
class StubCrawl:
    files: dict[str, WarcFile] = field(default_factory=dict)
    lines: list[dict] = field(default_factory=list)


def one_record(url: str, timestamp: str, status: int, headers: list, body: bytes,
               truncated: bool = False) -> tuple[bytes, str]:
    """One gzip member holding one WARC response record, and its payload digest (as the CDX line gives it)."""
    out = BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.0")
    t = timestamp
    warc = {"WARC-Date": f"{t[:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}Z",
            "WARC-IP-Address": "104.18.1.1", "WARC-Identified-Payload-Type": "text/html"}
    if truncated:
        warc["WARC-Truncated"] = "length"
    phrase = {200: "OK", 301: "Moved Permanently", 404: "Not Found"}[status]
    record = writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                       http_headers=StatusAndHeaders(f"{status} {phrase}", headers, protocol="HTTP/1.1"),
                                       warc_headers_dict=warc)
    writer.write_record(record)
    return out.getvalue(), record.rec_headers.get_header("WARC-Payload-Digest").split(":", 1)[1]


def encoded(kind: str, page: bytes) -> tuple[list, bytes]:
    base = [("Server", "nginx"), ("Content-Type", "text/html; charset=utf-8")]
    if kind == "gzip":
        return base + [("Content-Encoding", "gzip")], gzip.compress(page)
    if kind == "chunked":
        chunks = [page[i:i + 4000] for i in range(0, len(page), 4000)]
        body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
        return base + [("Transfer-Encoding", "chunked")], body
    if kind == "renamed":
        return base + [("X-Crawler-Content-Encoding", "gzip"), ("Content-Length", str(len(page)))], page
    return base + [("Content-Length", str(len(page)))], page


def older_edition(page: bytes, title: str) -> bytes:
    """The page as it read before an update: another headline (so choosing this capture shows in the output)."""
    return page.replace(title.encode(), f"{title} (first edition)".encode(), 1)


def warc_name(crawl: str, n: int, kind: str = "warc") -> str:
    stamp = {"CC-MAIN-2025-30": "20250720", "CC-MAIN-2025-26": "20250619", "CC-MAIN-2025-21": "20250520"}[crawl]
    return (f"crawl-data/{crawl}/segments/{SEGMENTS[crawl]}/{kind}/"
            f"CC-MAIN-{stamp}093011-{stamp}123011-{n:05d}.warc.gz")


def urlkey(url: str) -> str:
    return "com,dawn)" + url.split("www.dawn.com", 1)[1]


class StubBuilder:
    def __init__(self):
        self.crawls: dict[str, StubCrawl] = {crawl[0]: StubCrawl() for crawl in CRAWLS}

    def capture(self, crawl: str, file_no: int, url: str, timestamp: str, status: int, headers: list, body: bytes,
                truncated: bool = False, kind: str = "warc") -> None:
        stub = self.crawls[crawl]
        name = warc_name(crawl, file_no, kind)
        if name not in stub.files:
            stub.files[name] = WarcFile(name)
            info = BytesIO()
            writer = WARCWriter(info, gzip=True, warc_version="1.0")
            writer.write_record(writer.create_warcinfo_record(name.rsplit("/", 1)[1], {"software": "stub"}))
            stub.files[name].add(info.getvalue())
        member, digest = one_record(url, timestamp, status, headers, body, truncated)
        offset, length = stub.files[name].add(member)
        line = {"urlkey": urlkey(url), "timestamp": timestamp, "url": url, "mime": "text/html",
                "mime-detected": "text/html", "status": str(status), "digest": digest, "length": str(length),
                "offset": str(offset), "filename": name}
        if 300 <= status < 400:
            line["redirect"] = dict(headers).get("Location", "")
        elif status == 200:
            line |= {"languages": "eng", "encoding": "UTF-8"}
        stub.lines.append(line)


def build_stub() -> dict[str, StubCrawl]:
    """Every crawl of STORY (the module docstring) with its files and its index lines (sorted as a CDX server
    sorts them: by urlkey, then time)."""
    builder = StubBuilder()
    title_1917388 = json.loads((EXPECTED / "1917388.json").read_text())["article"]["title"]
    for n, (article_id, (url, page)) in enumerate(sorted(site_articles().items())):
        if article_id in ONLY_LATER:
            builder.capture("CC-MAIN-2025-30", 7, url, f"2025072010{n:02d}00", 200, *encoded("plain", page))
            continue
        timestamp = f"2025061910{n:02d}00"
        if article_id == 1917388:
            old = older_edition(page, title_1917388)
            builder.capture("CC-MAIN-2025-26", 117, url, "20250617080000", 200, *encoded("plain", old))
            newer = older_edition(page, title_1917388).replace(b"(first edition)", b"(updated in July)")
            builder.capture("CC-MAIN-2025-30", 7, url, "20250721080000", 200, *encoded("plain", newer))
            builder.capture("CC-MAIN-2025-21", 3, url, "20250520080000", 200, *encoded("plain", old))
        if article_id == 1917703:
            headers, body = encoded("plain", page)
            builder.capture("CC-MAIN-2025-26", 42, url, "20250619120000", 200, headers, body[: len(body) // 2],
                            truncated=True)
            timestamp = "20250618100000"
        builder.capture("CC-MAIN-2025-26", 42 if n % 2 else 117, url, timestamp, 200,
                        *encoded(SPECIAL.get(article_id, "plain"), page))
    moved = "https://www.dawn.com/news/1917668"
    builder.capture("CC-MAIN-2025-26", 42, moved, "20250619090000", 301,
                    [("Location", site_articles()[1917668][0]), ("Content-Length", "0")], b"", kind="crawldiagnostics")
    builder.capture("CC-MAIN-2025-26", 42, "https://www.dawn.com/news/1999999/withdrawn", "20250619090500", 404,
                    [("Content-Type", "text/html")], b"<html>Not found</html>", kind="crawldiagnostics")
    builder.capture("CC-MAIN-2025-26", 42, "https://www.dawn.com/news/", "20250619091000", 200,
                    *encoded("plain", b"<html>news</html>"))
    for stub in builder.crawls.values():
        stub.lines.sort(key=lambda line: (line["urlkey"], line["timestamp"]))
    return builder.crawls


def expected_ids() -> set[int]:
    """The articles a backfill of SINCE..UNTIL gives: every static article of the site published in the range."""
    return set(site_articles()) - OUT_OF_RANGE
