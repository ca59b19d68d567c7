"""Extension: live progress on one updating stderr line (pages, items, drops, current rate) for a person
watching a crawl run by hand. Setting NEWSCRAWL_PROGRESS: "auto" shows it only when stderr is a terminal (so
cron logs stay clean), "1" always, "0" never; NEWSCRAWL_PROGRESS_INTERVAL is the refresh period in seconds.

The line never mixes with other output: it is erased before any log record is written (a filter on the root
logger's handlers) and when the crawl closes, before the summary is printed (this extension is enabled before
newscrawl.monitoring.summary.CrawlSummary, so its spider_closed runs first). The next refresh draws it again.
"""

from __future__ import annotations

import logging
import sys

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from newscrawl.stats_keys import DROPPED, RESPONSES, WRITTEN

ERASE_LINE = "\r\x1b[K"  # carriage return, then erase to the end of the line


def progress_line(stats: dict, pages_per_minute: float) -> str:
    def total(prefix: str) -> int:
        return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))

    return (f"newscrawl: {stats.get(RESPONSES, 0)} pages, {total(WRITTEN + '/')} items written, "
            f"{total(DROPPED + '/')} dropped, {pages_per_minute:.0f} pages/min")


class CrawlProgress(logging.Filter):
    def __init__(self, crawler, interval: float, stream):
        super().__init__()
        self.crawler = crawler
        self.interval = interval
        self.stream = stream
        self.last_pages = 0
        self.shown = False  # a progress line is on the terminal now
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
        for handler in logging.getLogger().handlers:
            handler.addFilter(self)
        self.loop.start(self.interval, now=False)

    def show(self) -> None:
        stats = self.crawler.stats.get_stats()
        pages = stats.get(RESPONSES, 0)
        rate = (pages - self.last_pages) * 60 / self.interval
        self.last_pages = pages
        self.stream.write(f"{ERASE_LINE}{progress_line(stats, rate)}")
        self.stream.flush()
        self.shown = True

    def erase(self) -> None:
        if self.shown:
            self.stream.write(ERASE_LINE)
            self.stream.flush()
            self.shown = False

    def filter(self, record) -> bool:
        """Called by a log handler before it writes a record: the record starts on a clean line."""
        self.erase()
        return True

    def spider_closed(self):
        if self.loop.running:
            self.loop.stop()
        for handler in logging.getLogger().handlers:
            handler.removeFilter(self)
        self.erase()  # the summary that follows has the final figures
