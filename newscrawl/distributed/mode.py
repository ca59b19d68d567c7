"""Distributed mode: many `scrapy crawl dawn` workers share one crawl through Redis (docs/SCALING.md).

Off unless NEWSCRAWL_REDIS_URL is set; then `DistributedAddon` swaps in
- the leased Redis frontier (newscrawl/distributed/frontier.py: scrapy-redis scheduler and dupefilter, keyed per
  NEWSCRAWL_CRAWL_ID, fingerprinting with ArticleRequestFingerprinter),
- one politeness budget per host shared by every worker, and a Retry-After seen by one pausing all
  (newscrawl/distributed/shared_budget.py),
- the Redis state store (newscrawl/state/redis.py; `state_for` picks it), so no item is emitted twice.

This module holds what they share: the Redis client (which waits out an outage of up to NEWSCRAWL_REDIS_WAIT
seconds), the key names, the worker's name and liveness, and the once-only seeding of the start entries.
"""

from __future__ import annotations

import re
import socket

import redis
from redis.backoff import ConstantBackoff
from redis.retry import Retry

# every key of one crawl's frontier starts with this, then NEWSCRAWL_CRAWL_ID
FRONTIER_PREFIX = "newscrawl:crawl"
# what was emitted, and the politeness budget, outlive a crawl: shared by every crawl on this Redis
STATE_PREFIX = "newscrawl:state"
BUDGET_PREFIX = "newscrawl:budget"
RETRY_STEP = 0.5  # seconds between two attempts to reach Redis


def is_distributed(settings) -> bool:
    return bool(settings.get("NEWSCRAWL_REDIS_URL"))


def worker_name(settings) -> str | None:
    """This worker's name (NEWSCRAWL_WORKER, else the host name); None outside distributed mode."""
    if not is_distributed(settings):
        return None
    name = settings.get("NEWSCRAWL_WORKER") or socket.gethostname()
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def worker_file(settings, name: str) -> str:
    """`name` (last_crawl.json, .newscrawl-cron.lock) for this worker: `last_crawl.<worker>.json` in
    distributed mode, where workers share the output directory."""
    worker = worker_name(settings)
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{worker}.{suffix}" if worker and dot and stem else name


def redis_client(settings) -> redis.Redis:
    """A client that retries (every RETRY_STEP s, for NEWSCRAWL_REDIS_WAIT s) while Redis is down or loading:
    a worker waits for Redis to come back instead of failing. It waits blocking, so nothing else moves in
    the worker meanwhile (nothing could: the queue and the store are in Redis)."""
    attempts = max(1, int(settings.getfloat("NEWSCRAWL_REDIS_WAIT") / RETRY_STEP))
    return redis.Redis.from_url(
        settings.get("NEWSCRAWL_REDIS_URL"),
        retry=Retry(ConstantBackoff(RETRY_STEP), attempts),
        retry_on_error=[redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError],
        socket_connect_timeout=2, socket_timeout=30, health_check_interval=5)


def redis_now(server: redis.Redis) -> float:
    """Redis's clock: every worker measures leases and budgets by the same one."""
    seconds, micros = server.time()
    return seconds + micros / 1e6


class FrontierKeys:
    """The Redis keys of one crawl (NEWSCRAWL_CRAWL_ID)."""

    def __init__(self, settings):
        base = f"{FRONTIER_PREFIX}:{settings.get('NEWSCRAWL_CRAWL_ID')}"
        self.queue = f"{base}:queue"  # sorted set: serialized requests by priority (scrapy-redis PriorityQueue)
        self.leased = f"{base}:leased"  # sorted set: requests taken by a worker, scored by lease expiry
        self.dupefilter = f"{base}:dupefilter"  # set: fingerprints of requests ever queued
        self.seeded = f"{base}:seeded"  # string: the worker that pushed the start entries
        self.workers = f"{base}:workers"  # hash: worker -> Redis time of its last heartbeat
        self.done = f"{base}:done"  # counter: requests whose callback and pipelines finished
        self.failed = f"{base}:failed"  # list: URLs given up after RETRY_TIMES lease expiries


def worker_alive(server: redis.Redis, keys: FrontierKeys, worker: str, lease_seconds: float) -> bool:
    beat = server.hget(keys.workers, worker)
    return beat is not None and redis_now(server) - float(beat) < lease_seconds


def seed_once(crawler) -> bool:
    """Should this worker push the start entries? Always in a single process; in distributed mode only the
    first worker of the crawl (the others take their work from the shared queue)."""
    settings = crawler.settings
    if not is_distributed(settings):
        return True
    server = redis_client(settings)
    return bool(server.set(FrontierKeys(settings).seeded, worker_name(settings), nx=True))


class DistributedAddon:
    """With NEWSCRAWL_REDIS_URL set: the Redis frontier, the shared budget and Retry-After, at "spider"
    priority (above settings.py, below `-s`). Without it nothing changes."""

    def update_settings(self, settings):
        if not is_distributed(settings):
            return
        middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
        middlewares["newscrawl.downloader.backoff.RetryAfterMiddleware"] = None
        middlewares["newscrawl.distributed.shared_budget.SharedRetryAfterMiddleware"] = 560
        handlers = settings.getdict("DOWNLOAD_HANDLERS")
        # the budget is taken where the request leaves, in front of the project's own http(s) handler
        settings.set("NEWSCRAWL_BUDGET_INNER_HANDLER", handlers.get("https"), priority="spider")
        handlers.update(http="newscrawl.distributed.shared_budget.BudgetedDownloadHandler",
                        https="newscrawl.distributed.shared_budget.BudgetedDownloadHandler")
        for name, value in {
            "SCHEDULER": "newscrawl.distributed.frontier.LeasedScheduler",
            "DOWNLOADER_MIDDLEWARES": middlewares,
            "DOWNLOAD_HANDLERS": handlers,
        }.items():
            settings.set(name, value, priority="spider")
