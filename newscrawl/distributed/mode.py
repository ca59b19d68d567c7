"""Distributed mode: many `scrapy crawl dawn` workers share one crawl through Redis (docs/SCALING.md).

Off unless NEWSCRAWL_REDIS_URL is set; then `DistributedAddon` swaps in
- the leased Redis frontier (newscrawl/distributed/frontier.py: scrapy-redis scheduler and dupefilter, keyed per
  NEWSCRAWL_CRAWL_ID, fingerprinting with ArticleRequestFingerprinter),
- one politeness budget per host shared by every worker, and a Retry-After seen by one pausing all
  (newscrawl/distributed/shared_budget.py),
- the Redis state store (newscrawl/state/redis.py; `state_for` picks it), so no item is emitted twice.

This module holds what they share: the Redis client (which waits out an outage of up to NEWSCRAWL_REDIS_WAIT
seconds), the key names, the worker's name and liveness (a name held by a live worker is refused: two workers
under one name would write one file and share one seeding lease). Seeding is in seeding.py.
"""

from __future__ import annotations

import re
import socket
import time

import redis
from redis.backoff import ConstantBackoff
from redis.retry import Retry

# every key of one crawl's frontier starts with this, then NEWSCRAWL_CRAWL_ID
FRONTIER_PREFIX = "newscrawl:crawl"
# what was emitted, and the politeness budget, outlive a crawl: shared by every crawl on this Redis
STATE_PREFIX = "newscrawl:state"
BUDGET_PREFIX = "newscrawl:budget"
RETRY_STEP = 0.5  # seconds between two attempts to reach Redis
NAME_POLL = 0.5  # seconds between two looks at the heartbeat under a name this worker wants
# takes the name `ARGV[1]` (a heartbeat now) only if its heartbeat is still the one seen (ARGV[2], '' for none)
CLAIM_NAME = """
if (redis.call('HGET', KEYS[1], ARGV[1]) or '') ~= ARGV[2] then return 0 end
local t = redis.call('TIME')
redis.call('HSET', KEYS[1], ARGV[1], tostring(tonumber(t[1]) + tonumber(t[2]) / 1e6))
return 1
"""


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
        self.seeded = f"{base}:seeded"  # string: the worker that pushed the last start entry (set then, not before)
        self.seeding = f"{base}:seeding"  # hash: holder, expires, cursor, total, digest of the start entries (seeding.py)
        self.workers = f"{base}:workers"  # hash: worker -> Redis time of its last heartbeat
        self.done = f"{base}:done"  # counter: requests whose callback and pipelines finished
        self.failed = f"{base}:failed"  # list: URLs given up after RETRY_TIMES lease expiries

    def frontier(self) -> list[str]:
        """Every key of the crawl: what `newscrawl-frontier clear` deletes and a finished crawl lets expire."""
        return [self.queue, self.leased, self.dupefilter, self.seeded, self.seeding, self.workers, self.done,
                self.failed]


def worker_alive(server: redis.Redis, keys: FrontierKeys, worker: str, lease_seconds: float) -> bool:
    beat = server.hget(keys.workers, worker)
    return beat is not None and redis_now(server) - float(beat) < lease_seconds


class NameInUse(ValueError):
    """Another live worker of the crawl holds this worker's name."""


def claim_worker_name(settings, notify=None, before_claim=None) -> None:
    """Take this worker's name in the crawl, or NameInUse when a live worker holds it. A heartbeat under the name
    that is still renewed (it changes while we watch) is a live worker: refused. One that stops changing is a
    worker that died (a SIGKILL, a restart by systemd): its name is taken once its heartbeat is older than
    NEWSCRAWL_LEASE_SECONDS, as its leases are. `before_claim()` runs then, before the name shows alive again
    (the Redis state store settles the dead worker's claims there)."""
    server, keys, name = redis_client(settings), FrontierKeys(settings), worker_name(settings)
    lease_seconds = settings.getfloat("NEWSCRAWL_LEASE_SECONDS")
    claim = server.register_script(CLAIM_NAME)
    seen, told = server.hget(keys.workers, name), False
    while True:
        if seen is None or redis_now(server) - float(seen) >= lease_seconds:
            if before_claim is not None:
                before_claim()
            if claim(keys=[keys.workers], args=[name, seen or b""]):
                return
            seen = server.hget(keys.workers, name)  # another process took it meanwhile: look again
            continue
        if notify is not None and not told:
            told = True
            notify(f"NEWSCRAWL_WORKER={name} has a heartbeat {redis_now(server) - float(seen):.1f} s old in crawl "
                   f"{settings.get('NEWSCRAWL_CRAWL_ID')}: waiting up to {lease_seconds:g} s to see whether its worker is alive")
        time.sleep(NAME_POLL)
        now_seen = server.hget(keys.workers, name)
        if now_seen is not None and now_seen != seen:
            raise NameInUse(f"NEWSCRAWL_WORKER={name} is in use by a live worker of crawl "
                            f"{settings.get('NEWSCRAWL_CRAWL_ID')} on this Redis (its heartbeat is renewed): "
                            f"give every worker its own NEWSCRAWL_WORKER")
        seen = now_seen


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
