"""Seeding: a crawl's start entries reach the shared queue completely, whoever dies (docs/SCALING.md).

`seed(crawler, entries)` is what a spider's `start()` hands its start requests to. `entries` is a function giving
a fresh iterator of them in an order that is the same for every worker started with the same arguments (a
url_file's lines, an archive's articles sorted by id, the feeds and listings, a record list): a position in it
then means the same thing to every worker.

In one process the requests are simply handed to the scheduler as it has room (Scrapy's lazy start). In
distributed mode one worker at a time seeds, under a lease kept in the crawl's `seeding` hash (holder, expiry by
Redis's clock, cursor = entries pushed so far, total, and a digest of the list). It pushes SEED_BATCH entries per
Lua script, which also moves the cursor and renews the lease, and which does nothing unless the caller still
holds the lease: a batch and its cursor move land together or not at all. While the queue holds
NEWSCRAWL_SEED_QUEUE_MAX requests the seeder waits (renewing its lease), so the list reaches Redis as the crawl
goes and neither a worker nor Redis holds it whole. The other workers wait in their `start()` (so none can close);
when the lease expires (the seeder died) one takes it over and goes on from the cursor. The batch that reaches
the end sets `seeded`, and only then may a worker close as finished (frontier.py). A worker whose list differs
(another url_file) refuses to take over: its digest is not the crawl's.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from itertools import islice

from scrapy import Request, signals
from scrapy.exceptions import CloseSpider

from newscrawl.distributed.engine_adapter import wake
from newscrawl.distributed.queue import LeasedQueue, fingerprint
from newscrawl.distributed.mode import FrontierKeys, is_distributed, redis_client, worker_name
from newscrawl.stats_keys import SEEDING

logger = logging.getLogger(__name__)

SEED_BATCH = 100  # entries per Redis command: bounded, whatever the list's length
ROOM_POLL = 0.2  # seconds between two looks at the queue's length while it is full

CLAIM = """
if redis.call('EXISTS', KEYS[2]) == 1 then return {'done'} end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local s = redis.call('HMGET', KEYS[1], 'holder', 'expires', 'cursor', 'digest')
if s[1] and s[1] ~= ARGV[1] and tonumber(s[2]) > now then return {'held', s[1]} end
if s[4] and s[4] ~= ARGV[3] then return {'mismatch', s[4]} end
redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'expires', tostring(now + tonumber(ARGV[2])), 'digest', ARGV[3],
           'total', ARGV[4], 'cursor', s[3] or '0')
return {'claimed', s[3] or '0', s[1] or ''}
"""
PUSH = """
if redis.call('HGET', KEYS[1], 'holder') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'cursor') ~= ARGV[3] then
  return -1
end
local pushed = 0
for i = 6, #ARGV, 3 do
  if ARGV[i] == '' or redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[3], ARGV[i + 1], ARGV[i + 2])
    pushed = pushed + 1
  end
end
local t = redis.call('TIME')
redis.call('HSET', KEYS[1], 'cursor', ARGV[4], 'expires', tostring(tonumber(t[1]) + tonumber(t[2]) / 1e6 + tonumber(ARGV[2])))
if ARGV[5] == '1' then redis.call('SET', KEYS[4], ARGV[1]) end
return pushed
"""
RENEW = """
if redis.call('HGET', KEYS[1], 'holder') ~= ARGV[1] then return 0 end
local t = redis.call('TIME')
redis.call('HSET', KEYS[1], 'expires', tostring(tonumber(t[1]) + tonumber(t[2]) / 1e6 + tonumber(ARGV[2])))
return 1
"""

# a worker that stops cleanly while it seeds lets the others take over at once, not after its lease
HAND_BACK = """
if redis.call('HGET', KEYS[1], 'holder') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'expires', '0')
return 1
"""

StartEntries = Callable[[], Iterable[Request]]


def hand_back(server, keys: FrontierKeys, worker: str) -> bool:
    """Give up this worker's seeding lease, if it holds it (its cursor stays: the next holder goes on from it)."""
    return bool(server.eval(HAND_BACK, 1, keys.seeding, worker))


async def seed(crawler, entries: StartEntries) -> AsyncIterator[Request]:
    """A spider's `start()`: `async for request in seed(self.crawler, self.start_entries): yield request`."""
    if not is_distributed(crawler.settings):
        for request in entries():
            if crawler.engine.needs_backout():  # a list of any length waits for room, not in memory all at once
                await crawler.signals.wait_for(signals.scheduler_empty)
            yield request
        return
    await Seeding(crawler).run(entries)


def describe(entries: StartEntries) -> tuple[str, int]:
    """A digest of the list (its URLs, in order) and its length, read in one pass without keeping it."""
    digest, total = hashlib.sha1(), 0
    for request in entries():
        digest.update(request.url.encode() + b"\n")
        total += 1
    return digest.hexdigest(), total


class Seeding:
    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler, self.stats, self.keys = crawler, crawler.stats, FrontierKeys(settings)
        self.server = redis_client(settings)
        self.worker = worker_name(settings)
        self.lease_seconds = settings.getfloat("NEWSCRAWL_LEASE_SECONDS")
        self.queue_max = settings.getint("NEWSCRAWL_SEED_QUEUE_MAX")
        self.queue = LeasedQueue(self.server, crawler.spider, self.keys.queue, self.keys.leased, self.lease_seconds)
        self._claim = self.server.register_script(CLAIM)
        self._push = self.server.register_script(PUSH)
        self._renew = self.server.register_script(RENEW)

    async def run(self, entries: StartEntries) -> None:
        """Seed, or wait while another worker seeds (taking over when its lease expires), until `seeded` is set."""
        if self.server.exists(self.keys.seeded):
            return
        digest, total = describe(entries)
        poll = min(1.0, self.lease_seconds / 3)
        while True:
            answer = [part.decode() for part in self._claim(
                keys=[self.keys.seeding, self.keys.seeded], args=[self.worker, self.lease_seconds, digest, total])]
            if answer[0] == "done":
                return
            if answer[0] == "mismatch":
                logger.error("This worker's start entries (digest %s, %d entries) are not the ones crawl %s is seeded "
                             "from (digest %s): give every worker the same arguments and files", digest, total,
                             self.keys.seeding, answer[1])
                raise CloseSpider("seeding_mismatch")
            if answer[0] == "claimed":
                cursor, previous = int(answer[1]), answer[2]
                if previous and previous != self.worker:
                    self.stats.inc_value(f"{SEEDING}/taken_over")
                    logger.warning("Seeding of %s taken over from %s at entry %d of %d", self.keys.seeding, previous,
                                   cursor, total)
                if await self.push_from(entries, cursor):
                    return
            await asyncio.sleep(poll)  # another worker seeds: wait, and take over if its lease expires

    async def push_from(self, entries: StartEntries, cursor: int) -> bool:
        """Push the entries from `cursor` on, a batch at a time. False when the lease was lost meanwhile."""
        remaining = islice(entries(), cursor, None)
        while True:
            batch = list(islice(remaining, SEED_BATCH))
            last = len(batch) < SEED_BATCH
            while self.server.zcard(self.keys.queue) >= self.queue_max:  # room first: the list comes as the crawl goes
                if not self._renew(keys=[self.keys.seeding], args=[self.worker, self.lease_seconds]):
                    return False
                await asyncio.sleep(ROOM_POLL)
            args = [self.worker, self.lease_seconds, cursor, cursor + len(batch), int(last)]
            for request in batch:
                request.meta.setdefault("is_start_request", True)  # what Scrapy's StartSpiderMiddleware would set
                key = "" if request.dont_filter else fingerprint(self.crawler, request)
                args += [key, -request.priority, self.queue.encode(request)]
            pushed = self._push(keys=[self.keys.seeding, self.keys.dupefilter, self.keys.queue, self.keys.seeded],
                                args=args)
            if pushed < 0:
                logger.warning("Lost the seeding lease of %s at entry %d: another worker goes on", self.keys.seeding,
                               cursor)
                return False
            cursor += len(batch)
            self.stats.inc_value(f"{SEEDING}/entries", len(batch))
            self.stats.inc_value(f"{SEEDING}/queued", pushed)
            wake(self.crawler.engine)
            if last:
                logger.info("Seeding of %s complete: %d entries", self.keys.seeding, cursor)
                return True
            await asyncio.sleep(0)  # let the engine crawl between two batches
