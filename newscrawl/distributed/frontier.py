"""The shared frontier of distributed mode: scrapy-redis's scheduler and dupefilter, with leases.

scrapy-redis removes a request from Redis when a worker pops it, so a worker that dies loses what it held.
Here a pop moves the request, in one Lua script, from the queue to a `leased` sorted set scored by the lease's
expiry (Redis's clock). The lease is held until the engine is done with the request, that is until its
callback or errback has run and every item it produced has left the pipelines (or, for a retry or a redirect,
until the new request is queued: it carries the work on). Meanwhile the worker renews its leases every
second. A lease that expires (its worker was killed, or lost Redis longer than NEWSCRAWL_LEASE_SECONDS) is
put back in the queue by any worker, counted as one retry: a request whose retries exceed RETRY_TIMES, across
workers, is given up and listed in the crawl's `failed` key. A worker that stops cleanly hands its leases
back at once.

"Done with" is read from the engine's set of requests in progress (engine_adapter.py: Scrapy has no public
signal for the end of a request's scraping). A request is queued and marked seen in one Lua script (queue.py):
a worker killed between the two would otherwise leave it seen, never queued.

A worker closes when the crawl is seeded completely (seeding.py) and both the queue and the leases are empty:
while another worker holds a lease, it may still queue requests. It then records in its stats what the crawl
as a whole lost (requests given up, seeding incomplete: the exit code says so, monitoring/verdict.py), and a
worker that saw the crawl finish sets the frontier's keys to expire after NEWSCRAWL_FRONTIER_RETENTION_SECONDS.
"""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.asyncio import create_looping_call
from scrapy_redis.scheduler import Scheduler

from newscrawl.distributed.engine_adapter import check, requests_in_progress, wake
from newscrawl.distributed.mode import FrontierKeys, redis_client, redis_now, worker_name
from newscrawl.distributed.queue import LEASE_META, ArticleDupeFilter, LeasedQueue
from newscrawl.distributed.seeding import hand_back
from newscrawl.stats_keys import CRAWL_GIVEN_UP, FRONTIER, SEEDING_COMPLETE

logger = logging.getLogger(__name__)

MAINTAIN_EVERY = 1.0  # seconds: lease renewal, acks, expired leases, the worker's heartbeat

RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
redis.call('HSET', KEYS[2], ARGV[1], tostring(now))
for i = 3, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[i]) end
return tostring(now)
"""


class LeasedScheduler(Scheduler):
    def __init__(self, crawler):
        settings = crawler.settings
        self.keys = FrontierKeys(settings)
        server = redis_client(settings)
        dupefilter = ArticleDupeFilter(server, self.keys.dupefilter, crawler, settings.getbool("DUPEFILTER_DEBUG"))
        super().__init__(server, persist=True, queue_key=self.keys.queue, dupefilter=dupefilter)
        self.crawler = crawler
        self.stats = crawler.stats
        self.worker = worker_name(settings)
        self.lease_seconds = settings.getfloat("NEWSCRAWL_LEASE_SECONDS")
        self.retry_times = settings.getint("RETRY_TIMES")
        self.retention = settings.getint("NEWSCRAWL_FRONTIER_RETENTION_SECONDS")
        self.leases: dict[bytes, object] = {}  # leased entry -> the request popped from it
        self._renew = server.register_script(RENEW)
        self._loop = None
        self._last_maintained = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = cls(crawler)
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider):
        self.spider = spider
        check(self.crawler.engine)  # a Scrapy whose engine changed stops here, not by losing leases later
        self.queue = LeasedQueue(self.server, spider, self.keys.queue, self.keys.leased, self.lease_seconds)
        self.maintain()
        self._loop = create_looping_call(self._maintain_logged)
        self._loop.start(MAINTAIN_EVERY, now=False)
        logger.info("Distributed crawl %s: worker %s, %d requests queued, %d leased", self.keys.queue,
                    self.worker, len(self.queue), self.server.zcard(self.keys.leased))

    def close(self, reason):
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.ack_finished()
        # requests popped but not done (a shutdown): back to the queue now, not after their lease expires
        for member, request in list(self.leases.items()):
            self.queue.requeue(member, request)
            self.stats.inc_value(f"{FRONTIER}/handed_back")
        self.leases.clear()
        hand_back(self.server, self.keys, self.worker)
        self.server.hdel(self.keys.workers, self.worker)
        self.record_losses()
        if reason == "finished" and self.retention > 0:
            self.expire_frontier()

    def record_losses(self) -> None:
        """What the whole crawl lost, as this worker saw it at its end: into its stats, summary and exit code."""
        with self.server.pipeline() as pipe:
            pipe.llen(self.keys.failed)
            pipe.exists(self.keys.seeded)
            given_up, seeded = pipe.execute()
        self.stats.set_value(CRAWL_GIVEN_UP, given_up)
        self.stats.set_value(SEEDING_COMPLETE, bool(seeded))
        if given_up:
            logger.error("Crawl %s gave up %d requests (listed in %s)", self.keys.queue, given_up, self.keys.failed)

    def expire_frontier(self) -> None:
        with self.server.pipeline() as pipe:
            for key in self.keys.frontier():
                pipe.expire(key, self.retention)
            pipe.execute()

    def enqueue_request(self, request):
        member = request.meta.get(LEASE_META)  # a retry or a redirect of a leased request carries its lease on
        queued = self.queue.push_new(self.keys.dupefilter, request)
        if queued:
            self.stats.inc_value("scheduler/enqueued/redis")
        else:
            self.df.log(request, self.spider)
        if member is not None:
            self.ack(member)
            self.stats.inc_value(f"{FRONTIER}/carried_on")
        return queued

    def next_request(self):
        if time.monotonic() - self._last_maintained > MAINTAIN_EVERY:
            self.maintain()
        request = self.queue.pop()
        if request is not None:
            self.leases[request.meta[LEASE_META]] = request
            self.stats.inc_value(f"{FRONTIER}/leased")
        return request

    def has_pending_requests(self):
        return len(self.queue) > 0

    # ---- leases ----------------------------------------------------------------------------------------
    def ack(self, member: bytes) -> None:
        self.leases.pop(member, None)
        with self.server.pipeline() as pipe:
            pipe.zrem(self.keys.leased, member)
            pipe.incr(self.keys.done)
            pipe.execute()

    def ack_finished(self) -> None:
        in_progress = requests_in_progress(self.crawler.engine)
        for member, request in list(self.leases.items()):
            if request not in in_progress:
                self.ack(member)
                self.stats.inc_value(f"{FRONTIER}/done")

    def maintain(self) -> None:
        self._last_maintained = time.monotonic()
        self.ack_finished()
        self._renew(keys=[self.keys.leased, self.keys.workers], args=[self.worker, self.lease_seconds, *self.leases])
        self.requeue_expired()
        if self.has_pending_requests():
            wake(self.crawler.engine)  # an idle engine looks again only every 5 s on its own

    def _maintain_logged(self) -> None:
        try:
            self.maintain()
        except Exception:  # Redis gone longer than NEWSCRAWL_REDIS_WAIT: try again next time, keep the loop
            logger.exception("Could not renew the leases of worker %s", self.worker)

    def requeue_expired(self) -> None:
        for member in self.server.zrangebyscore(self.keys.leased, "-inf", redis_now(self.server), start=0, num=50):
            request = self.queue._decode_request(member)
            retries = request.meta.get("retry_times", 0) + 1
            if retries > self.retry_times:
                if self.queue.requeue(member, None):
                    self.server.rpush(self.keys.failed, request.url)
                    self.stats.inc_value(f"{FRONTIER}/gave_up")
                    logger.error("Gave up %s: its lease expired %d times (RETRY_TIMES=%d)", request.url, retries,
                                 self.retry_times)
                continue
            request.meta["retry_times"] = retries
            if self.queue.requeue(member, request):
                self.stats.inc_value(f"{FRONTIER}/requeued_expired")
                logger.warning("Lease of %s expired (its worker died?): queued again", request.url)

    def crawl_done(self) -> bool:
        with self.server.pipeline() as pipe:
            pipe.exists(self.keys.seeded)
            pipe.zcard(self.keys.queue)
            pipe.zcard(self.keys.leased)
            seeded, queued, leased = pipe.execute()
        return bool(seeded) and queued == 0 and leased == 0

    def spider_idle(self, spider):
        self.maintain()
        if not self.crawl_done():
            raise DontCloseSpider  # another worker holds leases, or the start entries are not all pushed yet
