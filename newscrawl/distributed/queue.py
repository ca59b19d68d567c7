"""The shared request queue of distributed mode: scrapy-redis's priority queue, whose pop leases (frontier.py).

A pop moves the entry, in one Lua script, from the queue to the `leased` sorted set scored by the lease's expiry
(Redis's clock); a request is queued and marked seen in the dupefilter in one script too (push_new), so a worker
killed between the two cannot leave a request seen but never queued.
"""

from __future__ import annotations

import uuid

from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue


LEASE_META = "newscrawl_lease"  # the leased entry a request came from (never stored in Redis)
TOKEN_META = "newscrawl_token"  # makes every queued entry unique, so that two leases never share a member

POP = """
local item = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
if not item then return false end
redis.call('ZREM', KEYS[1], item)
local t = redis.call('TIME')
redis.call('ZADD', KEYS[2], tonumber(t[1]) + tonumber(t[2]) / 1e6 + tonumber(ARGV[1]), item)
return item
"""
PUSH_NEW = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
REQUEUE = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
if ARGV[2] ~= '' then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2]) end
return 1
"""


def fingerprint(crawler, request) -> str:
    """The dupefilter's member for a request: the project's fingerprint (one per article id), in hex."""
    return crawler.request_fingerprinter.fingerprint(request).hex()


class ArticleDupeFilter(RFPDupeFilter):
    """scrapy-redis's dupefilter keyed on the project's fingerprint: one article id is queued once per crawl."""

    def __init__(self, server, key, crawler, debug=False):
        super().__init__(server, key, debug)
        self.crawler = crawler

    def request_fingerprint(self, request):
        return fingerprint(self.crawler, request)


class LeasedQueue(PriorityQueue):
    def __init__(self, server, spider, key, leased_key, lease_seconds):
        super().__init__(server, spider, key, serializer=picklecompat)
        self.leased_key = leased_key
        self.lease_seconds = lease_seconds
        self._pop = server.register_script(POP)
        self._requeue = server.register_script(REQUEUE)
        self._push_new = server.register_script(PUSH_NEW)

    def encode(self, request) -> bytes:
        request.meta.pop(LEASE_META, None)
        request.meta[TOKEN_META] = uuid.uuid4().hex
        return self._encode_request(request)

    def pop(self, timeout=0):
        data = self._pop(keys=[self.key, self.leased_key], args=[self.lease_seconds])
        if not data:
            return None
        request = self._decode_request(data)
        request.meta[LEASE_META] = data
        return request

    def push_new(self, dupefilter_key: str, request) -> bool:
        """Queue `request` unless the dupefilter has seen it (dont_filter: always). True when queued."""
        key = "" if request.dont_filter else fingerprint(self.spider.crawler, request)
        return bool(self._push_new(keys=[dupefilter_key, self.key], args=[key, -request.priority, self.encode(request)]))

    def requeue(self, member: bytes, request=None) -> bool:
        """Move a leased entry back to the queue as `request` (or drop it with None). False: not leased (any more)."""
        data, score = (self.encode(request), -request.priority) if request is not None else (b"", 0)
        return bool(self._requeue(keys=[self.leased_key, self.key], args=[member, data, score]))
