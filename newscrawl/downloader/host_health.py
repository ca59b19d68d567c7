"""Downloader middleware: stop the crawl within seconds when the site cannot be reached at all, or answers every
request with 403 (a Cloudflare ban), instead of retrying robots.txt and every entry point for minutes.

- NEWSCRAWL_UNREACHABLE_AFTER connection failures in a row (name not resolved, connection refused or timed out,
  retries included) with no response in between: finish reason `host_unreachable` (exit code 8).
- NEWSCRAWL_BLOCKED_AFTER responses in a row that are all 403: finish reason `blocked` (exit code 9).

Each stop is logged as one ERROR line. Any other response resets both counts: a site that answers at all is
judged by newscrawl-cron's health thresholds instead (newscrawl/monitoring/verdict.py).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.exceptions import (CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError,
                               IgnoreRequest)
from scrapy.utils.defer import _schedule_coro
from twisted.internet.error import ConnectError, DNSLookupError, TimeoutError as TwistedTimeoutError

from newscrawl.stats_keys import STOPPED

logger = logging.getLogger(__name__)

HOST_UNREACHABLE, BLOCKED = "host_unreachable", "blocked"
CONNECTION_FAILURES = (CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError, ConnectError,
                       DNSLookupError, TwistedTimeoutError, ConnectionError, TimeoutError)


class CrawlStopped(IgnoreRequest):
    """A request the stopped crawl did not send (counted as newscrawl/skipped/crawl_stopped, not as an error)."""


class HostHealthMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.unreachable_after = crawler.settings.getint("NEWSCRAWL_UNREACHABLE_AFTER")
        self.blocked_after = crawler.settings.getint("NEWSCRAWL_BLOCKED_AFTER")
        self.failures_in_a_row = 0
        self.forbidden_in_a_row = 0
        self.stopping = ""  # the finish reason, once stopped

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        if self.stopping:  # requests already past the scheduler when the crawl stopped: no attempt, no wait
            raise CrawlStopped(f"the crawl stopped ({self.stopping})")
        return None

    def process_response(self, request, response):
        self.failures_in_a_row = 0
        self.forbidden_in_a_row = self.forbidden_in_a_row + 1 if response.status == 403 else 0
        if self.blocked_after and self.forbidden_in_a_row >= self.blocked_after:
            self.stop(BLOCKED, f"{urlsplit(request.url).netloc} answered 403 to the last {self.forbidden_in_a_row} "
                               "requests: the crawler is blocked (a ban); stopping")
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, CONNECTION_FAILURES):
            self.failures_in_a_row += 1
            if self.unreachable_after and self.failures_in_a_row >= self.unreachable_after:
                self.stop(HOST_UNREACHABLE, f"{urlsplit(request.url).netloc} cannot be reached: the last "
                                            f"{self.failures_in_a_row} requests failed to connect "
                                            f"({type(exception).__name__}: {exception}); stopping")
        return None  # the retry middleware and the errback go on as usual

    def stop(self, reason: str, message: str) -> None:
        if self.stopping:
            return
        self.stopping = reason
        self.crawler.stats.set_value(f"{STOPPED}/{reason}", 1)
        logger.error(message)
        _schedule_coro(self.crawler.engine.close_spider_async(reason=reason))
