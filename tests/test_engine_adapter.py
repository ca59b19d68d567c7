"""The Scrapy engine internals the leased frontier relies on (newscrawl/distributed/engine_adapter.py), checked on a
real engine in its own process: this test fails, loudly, when a Scrapy upgrade renames or changes them.

- a request stays in `requests_in_progress` while its callback runs and while its items are in the pipelines,
  and leaves it afterwards (a lease acknowledged earlier would lose the item to a kill);
- `wake` makes an idle engine take a request from its scheduler at once, not at its next 5-second heartbeat.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import scrapy

from newscrawl.distributed.engine_adapter import SUPPORTED_SCRAPY
from tests.conftest import ROOT

PROBE = r'''
import asyncio, json, time
import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import DontCloseSpider
from newscrawl.distributed.engine_adapter import check, requests_in_progress, wake

seen = {}

class SlowPipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item):
        await asyncio.sleep(0.3)
        seen["in_progress_in_pipeline"] = any(r.url == item["url"] for r in requests_in_progress(self.crawler.engine))
        return item

class Probe(scrapy.Spider):
    name = "probe"

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    async def start(self):
        check(self.crawler.engine)
        yield scrapy.Request("data:,first", callback=self.parse)

    def parse(self, response):
        seen["in_progress_in_callback"] = response.request in requests_in_progress(self.crawler.engine)
        if response.url.endswith("late"):
            seen["wake_seconds"] = round(time.monotonic() - seen["injected_at"], 3)
        yield {"url": response.url}

    def idle(self, spider):
        if "injected_at" not in seen:
            seen["in_progress_when_idle"] = len(requests_in_progress(self.crawler.engine))
            seen["injected_at"] = 0
            asyncio.get_event_loop().call_later(0.5, self.inject)
        if "wake_seconds" not in seen:
            raise DontCloseSpider

    def inject(self):
        # as another worker's request reaches the shared queue: into the scheduler, behind the engine's back
        self.crawler.engine._slot.scheduler.enqueue_request(scrapy.Request("data:,late", callback=self.parse))
        seen["injected_at"] = time.monotonic()
        wake(self.crawler.engine)

process = CrawlerProcess({"ITEM_PIPELINES": {"__main__.SlowPipeline": 100}, "LOG_LEVEL": "WARNING",
                          "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False, "CLOSESPIDER_TIMEOUT": 30,
                          "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor"})
process.crawl(Probe)
process.start()
print(json.dumps(seen))
'''


def test_the_engine_internals_the_leases_rely_on_still_mean_what_they_did(tmp_path):
    probe = tmp_path / "probe.py"  # a file, not `python -c`: Scrapy reads the callbacks' source
    probe.write_text(PROBE)
    done = subprocess.run([sys.executable, str(probe)], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["in_progress_in_callback"] is True, "a request left the engine's in-progress set before its callback"
    assert seen["in_progress_in_pipeline"] is True, "a request left the in-progress set before its items' pipelines"
    assert seen["in_progress_when_idle"] == 0, "the in-progress set kept a finished request"
    assert seen["wake_seconds"] < 1.0, f"wake() did not wake the engine ({seen['wake_seconds']} s: its heartbeat?)"


def test_the_supported_scrapy_range_is_the_one_pinned():
    """engine_adapter.py and pyproject.toml name the same range, and the installed Scrapy is in it."""
    pinned = next(line for line in (ROOT / "pyproject.toml").read_text().splitlines() if '"scrapy>=' in line)
    assert f'"scrapy{SUPPORTED_SCRAPY}"' in pinned
    major, minor = (int(part) for part in scrapy.__version__.split(".")[:2])
    assert (major, minor) == (2, 19), f"Scrapy {scrapy.__version__} is outside {SUPPORTED_SCRAPY}"
