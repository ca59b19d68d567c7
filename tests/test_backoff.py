"""Retry-After on 429/503: a real HTTP server on 127.0.0.1 and a real crawl against it."""

import json
import subprocess
import sys
import textwrap
import time

import pytest

from newscrawl.downloader.backoff import retry_after_seconds
from testing.local_site import LocalSite
from tests.conftest import ROOT


def test_retry_after_forms():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0  # in the past
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


class RateLimitedSite(LocalSite):
    """/a answers 429 with Retry-After: 2 the first time; /a and /b 200 otherwise. Records (path, time)."""

    def __init__(self):
        ok = (200, {"Content-Type": "text/html"}, b"<html><body>ok</body></html>")
        super().__init__(directory=None, extra={"/a": ok, "/b": ok})
        self.hits: list[tuple[str, float]] = []

    def arrived(self, path: str, client_port: int) -> None:
        super().arrived(path, client_port)
        with self.lock:
            self.hits.append((path, time.monotonic()))

    def fault(self, path: str) -> str:
        return "rate_limited" if path == "/a" and not self.answers.get(path) else "whole"

    def fault_answer(self, kind: str) -> tuple[int, dict, bytes]:
        return 429, {"Retry-After": "2", "Content-Type": "text/html"}, b"slow down"


@pytest.fixture
def server():
    with RateLimitedSite() as site:
        yield site


def test_a_429_pauses_the_whole_host_for_retry_after(server, tmp_path):
    base = server.base
    spider = tmp_path / "probe_spider.py"
    spider.write_text(textwrap.dedent(f"""
        import scrapy

        class Probe(scrapy.Spider):
            name = "probe"

            async def start(self):
                yield scrapy.Request("{base}/a", priority=10)
                yield scrapy.Request("{base}/b", priority=0)

            def parse(self, response):
                yield {{"url": response.url, "status": response.status}}
    """))
    items = tmp_path / "items.jsonl"
    subprocess.run([sys.executable, "-m", "scrapy", "runspider", str(spider), "-O", f"{items}:jsonlines",
                    "-s", "ROBOTSTXT_OBEY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY=0",
                    "-s", "AUTOTHROTTLE_ENABLED=0", "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path / 'out'}",
                    "-s", "NEWSCRAWL_SUMMARY=0"],
                   cwd=ROOT, capture_output=True, text=True, timeout=60)
    hits = server.hits
    first_429 = hits[0]
    assert first_429[0] == "/a"
    later = hits[1:]
    assert sorted(p for p, _ in later) == ["/a", "/b"]
    assert all(t - first_429[1] >= 1.9 for _, t in later), hits  # nothing to that host before Retry-After ran out
    got = [json.loads(line) for line in items.read_text().splitlines()]
    assert sorted(i["url"].rsplit("/", 1)[1] for i in got) == ["a", "b"]
    stats = json.loads((tmp_path / "out" / "last_crawl.json").read_text())
    assert stats["newscrawl/backoff/429"] == 1
