#!/usr/bin/env python3
"""Benchmark: bytes downloaded per Dawn article, Common Crawl's URL-index route against a CC-NEWS-style scan.

Index route: the real backfill (`scrapy crawl dawn -a source=commoncrawl`) against the test stubs of Common Crawl's
index and data servers (testing/commoncrawl_stub.py: the offline site's pages in CC-MAIN-style WARC files, with
redirects, 404s, an update and a truncated capture); every byte the two stubs sent (collinfo.json, page counts,
index pages, Range answers) divided by the Articles written.

CC-NEWS-style scan (what fundus and news-please do: CC-NEWS has no URL index): a file per "day", each holding the
same Dawn pages spread over the days plus OTHERS records of other hosts per Dawn record (pages of the same sizes
under other hosts' URLs), served whole by the same data stub; each file streamed through warcio, keeping the
www.dawn.com records. Every byte downloaded divided by the Dawn records found. In real CC-NEWS Dawn's share is far
smaller than 1 in 100 (some 2 TB a month for all the world's news sites), so the scan's figure grows with OTHERS:
the bench prints it for several values, and the cost of the scan is about (OTHERS + 1) x the mean record.

    .venv/bin/python bench/commoncrawl.py [--others 20,100,1000] [--output bench/commoncrawl.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.request
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warcio.archiveiterator import ArchiveIterator  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402

from testing.commoncrawl_stub import CommonCrawlStub, StubServer  # noqa: E402
from testing.commoncrawl_warcs import SINCE, UNTIL, site_articles  # noqa: E402
from testing.crawls import run_crawl  # noqa: E402

DAYS = 4


def index_route(workdir: Path) -> dict:
    with CommonCrawlStub() as stub:
        out = workdir / "index-route"
        result = run_crawl(out, "-a", "source=commoncrawl", "-a", f"since={SINCE}", "-a", f"until={UNTIL}",
                           mirror=None, settings={**stub.settings(workdir / "cc"), "NEWSCRAWL_RENDER": "0"})
        assert result.returncode == 0, result.log[-2000:]
        index_bytes = sum(hit.size for hit in stub.index.log)
        data_bytes = sum(hit.size for hit in stub.data.log)
        fetched = len(stub.data.fetched_records())
    articles = len(result.articles)
    return {"articles": articles, "records_fetched": fetched, "index_requests": len(stub.index.log),
            "index_bytes": index_bytes, "data_bytes": data_bytes,
            "bytes_per_article": round((index_bytes + data_bytes) / articles)}


def news_files(others: int) -> dict[str, bytes]:
    """CC-NEWS-style files, one per day: the Dawn pages spread over the days, `others` foreign records each."""
    pages = sorted(site_articles().items())
    files = {}
    for day in range(DAYS):
        out = BytesIO()
        writer = WARCWriter(out, gzip=True, warc_version="1.0")
        for n, (article_id, (url, page)) in enumerate(pages[day::DAYS]):
            for url_, body in [(url, page)] + [(f"https://www.news-{k % 997}.example/story/{article_id}-{k}",
                                                pages[(n + k) % len(pages)][1][1]) for k in range(others)]:
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(url_, "response", payload=BytesIO(body),
                                                              length=len(body), http_headers=headers))
        files[f"crawl-data/CC-NEWS/2025/06/CC-NEWS-2025061{6 + day}000000-{day:05d}.warc.gz"] = out.getvalue()
    return files


def news_scan(others: int) -> dict:
    files = news_files(others)
    server = StubServer("data", {})
    server.files = files
    downloaded, dawn = 0, 0
    with server:
        for name in files:
            with urllib.request.urlopen(f"{server.url}/{name}") as answer:
                counted = CountingReader(answer)
                for record in ArchiveIterator(counted):
                    if record.rec_type == "response" and "://www.dawn.com/" in record.rec_headers.get_header(
                            "WARC-Target-URI"):
                        record.content_stream().read()
                        dawn += 1
                downloaded += counted.bytes
    return {"others_per_dawn_record": others, "files": len(files), "dawn_records": dawn,
            "bytes": downloaded, "bytes_per_article": round(downloaded / dawn)}


class CountingReader:
    """A stream that counts what was read from it (the scan never holds a whole file)."""

    def __init__(self, stream):
        self.stream, self.bytes = stream, 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.bytes += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self.stream.readline(size)
        self.bytes += len(data)
        return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--others", default="20,100,1000", help="foreign records per Dawn record in the scan")
    parser.add_argument("--output", type=Path, default=ROOT / "output" / "bench" / "commoncrawl.json")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        figures = {"index_route": index_route(Path(directory)),
                   "news_scan": [news_scan(int(n)) for n in options.others.split(",")]}
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(figures, indent=2) + "\n")
    route = figures["index_route"]
    print(f"index route: {route['bytes_per_article']:,} bytes per article ({route['articles']} articles, "
          f"{route['index_requests']} index requests, {route['index_bytes']:,} B of index, "
          f"{route['records_fetched']} records, {route['data_bytes']:,} B of records)")
    for scan in figures["news_scan"]:
        print(f"CC-NEWS-style scan, {scan['others_per_dawn_record']} other records per Dawn record: "
              f"{scan['bytes_per_article']:,} bytes per article ({scan['bytes']:,} B for {scan['dawn_records']})")


if __name__ == "__main__":
    main()
