"""Extension: live progress on one updating stderr line (pages, items, drops, current rate) for a person
watching a crawl run by hand. Setting NEWSCRAWL_PROGRESS: "auto" shows it only when stderr is a terminal (so
cron logs stay clean), "1" always, "0" never; NEWSCRAWL_PROGRESS_INTERVAL is the refresh period in seconds."""

from __future__ import annotations

import sys

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from .stats_keys import DROPPED, RESPONSES, WRITTEN


def progress_line(stats: dict, pages_per_minute: float) -> str:
    def total(prefix: str) -> int:
        return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))

    return (f"newscrawl: {stats.get(RESPONSES, 0)} pages, {total(WRITTEN + '/')} items written, "
            f"{total(DROPPED + '/')} dropped, {pages_per_minute:.0f} pages/min")


class CrawlProgress:
    def __init__(self, crawler, interval: float, stream):
        self.crawler = crawler
        self.interval = interval
        self.stream = stream
        self.last_pages = 0
        self.loop = LoopingCall(self.show)

    @classmethod
    def from_crawler(cls, crawler):
        mode = str(crawler.settings.get("NEWSCRAWL_PROGRESS", "auto")).strip().lower()
        enabled = sys.stderr.isatty() if mode == "auto" else mode in ("1", "true", "yes", "on")
        if not enabled:
            raise NotConfigured  # no message: Scrapy would log one warning per cron run
        extension = cls(crawler, crawler.settings.getfloat("NEWSCRAWL_PROGRESS_INTERVAL"), sys.stderr)
        # bound methods, kept alive by the extension object Scrapy holds (receivers are weak references)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self):
        self.loop.start(self.interval, now=False)

    def show(self, end: str = "") -> None:
        stats = self.crawler.stats.get_stats()
        pages = stats.get(RESPONSES, 0)
        rate = (pages - self.last_pages) * 60 / self.interval
        self.last_pages = pages
        # \r and "erase to end of line": the next refresh overwrites this one
        self.stream.write(f"\r\x1b[K{progress_line(stats, rate)}{end}")
        self.stream.flush()

    def spider_closed(self):
        if self.loop.running:
            self.loop.stop()
        self.show(end="\n")  # the final figures, and the line ends
