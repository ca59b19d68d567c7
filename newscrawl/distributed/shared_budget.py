"""One politeness budget per host for all workers of distributed mode, kept in Redis.

Each worker applies DOWNLOAD_DELAY (and AutoThrottle) on its own, so N workers would hit the host N times as
hard. Here every request, at the moment it leaves (in the download handler, after Scrapy's own slot), reserves
the next free moment of its host in Redis: one Lua script reads Redis's clock and the host's next free moment,
takes the later of the two (and of any Retry-After pause), and moves the next free moment one interval on.
The worker waits until its moment. So requests to a host start at least one interval apart, whichever worker
sends them: the host sees one crawler's pace. The interval is the worker's current delay for the host
(DOWNLOAD_DELAY, raised by AutoThrottle when the host slows down); 0 (under a mirror) takes no budget at all.

A 429/503 with Retry-After seen by any worker pauses the host for all of them: the pause is stored next to
the host's next free moment, and no reservation is given before it ends.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.utils.misc import build_from_crawler, load_object

from newscrawl.downloader.backoff import BACKOFF_STATUSES, RetryAfterMiddleware
from newscrawl.distributed.mode import BUDGET_PREFIX, redis_client
from newscrawl.stats_keys import BUDGET_SHARED_PAUSES, BUDGET_WAIT_SECONDS

logger = logging.getLogger(__name__)

RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(redis.call('GET', KEYS[2]) or '0'))
redis.call('SET', KEYS[1], tostring(at + tonumber(ARGV[1])), 'EX', 3600)
return tostring(at - now)
"""
PAUSE = """
local t = redis.call('TIME')
local untill = tonumber(t[1]) + tonumber(t[2]) / 1e6 + tonumber(ARGV[1])
if untill > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], tostring(untill), 'EX', math.ceil(tonumber(ARGV[1])) + 60)
  return 1
end
return 0
"""


class SharedBudget:
    def __init__(self, server):
        self._reserve = server.register_script(RESERVE)
        self._pause = server.register_script(PAUSE)

    @staticmethod
    def keys(host: str) -> list[str]:
        return [f"{BUDGET_PREFIX}:{host}:next", f"{BUDGET_PREFIX}:{host}:paused_until"]

    def reserve(self, host: str, interval: float) -> float:
        """Seconds to wait before sending the next request to `host`."""
        return float(self._reserve(keys=self.keys(host), args=[interval]))

    def pause(self, host: str, seconds: float) -> bool:
        """No request to `host` from any worker for `seconds`. False when a longer pause is already set."""
        return bool(self._pause(keys=self.keys(host)[1:], args=[seconds]))


class BudgetedDownloadHandler(BaseDownloadHandler):
    """The project's own http(s) handler (set aside by DistributedAddon), behind the shared budget."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.crawler = crawler
        self.inner = build_from_crawler(load_object(crawler.settings.get("NEWSCRAWL_BUDGET_INNER_HANDLER")), crawler)
        self.budget = SharedBudget(redis_client(crawler.settings))
        self.default_delay = crawler.settings.getfloat("DOWNLOAD_DELAY")

    def interval(self, request) -> float:
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        return max(self.default_delay, slot.delay if slot is not None else 0.0)

    async def download_request(self, request):
        if (interval := self.interval(request)) > 0:
            wait = self.budget.reserve(urlsplit(request.url).netloc, interval)
            if wait > 0:
                self.crawler.stats.inc_value(BUDGET_WAIT_SECONDS, wait)
                await asyncio.sleep(wait)
        return await self.inner.download_request(request)

    async def close(self):
        await self.inner.close()


class SharedRetryAfterMiddleware(RetryAfterMiddleware):
    """RetryAfterMiddleware whose pause also holds every other worker (through the shared budget)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.budget = SharedBudget(redis_client(crawler.settings))

    def response_downloaded(self, response, request, spider=None):
        super().response_downloaded(response, request, spider)
        if response.status in BACKOFF_STATUSES and (seconds := self.wait_seconds(response)) > 0:
            if self.budget.pause(urlsplit(request.url).netloc, seconds):
                self.crawler.stats.inc_value(BUDGET_SHARED_PAUSES)
