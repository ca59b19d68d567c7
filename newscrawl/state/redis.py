"""The state store of distributed mode: what was emitted, in Redis, behind the interface of the SQLite store
(newscrawl/state/sqlite.py, newscrawl/state/records.py), so the incremental middleware and the pipelines work unchanged.

Keys (shared by every crawl on this Redis, so a later crawl on any worker skips what another emitted):
`newscrawl:state:Article:<id>` and `newscrawl:state:EditorialTeaser:<id>` hashes (the SQLite columns),
`...:emitted:<kind>` sets of ids, `...:offsets` (output file -> recorded byte offset), `...:discovered`
(article id -> latest change discovery showed), `...:pending:<worker>` (claims not yet written).

No item is written twice: before writing a line a worker *claims* the item (one Lua script): the claim fails
when the store holds this version already (Article) or these values (teaser), or when another worker's claim
is pending. The claim names the file and the offset its line will start at; recording the written line clears
it. A pending claim of a worker that died between claim and record is settled by whoever meets it: its line
is read from the claimant's file (the output directory is shared); a whole line there is recorded for it, no
line (and a worker with no heartbeat) releases the claim. A restarted worker settles its own claims first.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from newscrawl.distributed.mode import STATE_PREFIX, FrontierKeys, redis_client, worker_alive, worker_name
from newscrawl.clock import utc_now
from newscrawl.state.records import EMITTED, ArticleRecord, StoreBase, TeaserRecord, parse_time
from newscrawl.state.redis_ledger import RedisLedger

ARTICLE_FIELDS = ("content_hash", "published_at", "updated_at")
CLAIM = """
local claim = redis.call('HGET', KEYS[1], 'claim')
if claim then return {'pending', claim} end
local record = redis.call('HMGET', KEYS[1], 'status', 'version', ARGV[3], ARGV[5])
if record[1] == 'emitted' then
  if ARGV[1] == 'Article' and (tonumber(record[2]) >= tonumber(ARGV[2]) or (record[3] == ARGV[4] and record[4] == ARGV[6])) then
    return {'emitted'}
  end
  if ARGV[1] ~= 'Article' and record[3] == ARGV[4] and record[4] == ARGV[6] then return {'emitted'} end
end
redis.call('HSET', KEYS[1], 'claim', ARGV[7])
redis.call('SADD', KEYS[2], KEYS[1])
return {'ok'}
"""
RELEASE = """
if redis.call('HGET', KEYS[1], 'claim') == ARGV[1] then redis.call('HDEL', KEYS[1], 'claim') return 1 end
return 0
"""


def _text(value) -> str:
    return "" if value is None else str(value)


class RedisStateStore(RedisLedger, StoreBase):  # RedisLedger: the ledger (newscrawl/state/redis_ledger.py)
    def __init__(self, server, worker: str, keys: FrontierKeys, lease_seconds: float, now=utc_now):
        super().__init__()
        self.server, self.worker, self.frontier, self.lease_seconds, self.now = server, worker, keys, lease_seconds, now
        self._claim = server.register_script(CLAIM)
        self._release = server.register_script(RELEASE)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(redis_client(settings), worker_name(settings), FrontierKeys(settings),
                   settings.getfloat("NEWSCRAWL_LEASE_SECONDS"))

    def close(self) -> None:
        self.server.close()

    def key(self, kind: str, item_id) -> str:
        return f"{STATE_PREFIX}:{kind}:{item_id}"

    # ---- reading -----------------------------------------------------------------------------------
    def _hash(self, kind: str, item_id) -> dict:
        return {k.decode(): v.decode() for k, v in self.server.hgetall(self.key(kind, item_id)).items()}

    def article(self, article_id: int) -> ArticleRecord | None:
        row = self._hash("Article", article_id)
        if "status" not in row:
            return None
        return ArticleRecord(article_id, row["status"], *(row.get(f) or None for f in ARTICLE_FIELDS),
                             int(row.get("version") or 0), row.get("discovered_modified") or None,
                             row["first_seen"], row["last_seen"])

    def teaser(self, article_id: int) -> TeaserRecord | None:
        row = self._hash("EditorialTeaser", article_id)
        return TeaserRecord(article_id, row.get("date") or None, row["updated"] == "1") if "status" in row else None

    def emitted_article_ids(self) -> set[int]:
        return {int(i) for i in self.server.smembers(f"{STATE_PREFIX}:emitted:Article")}

    def teaser_ids(self) -> set[int]:
        return {int(i) for i in self.server.smembers(f"{STATE_PREFIX}:emitted:EditorialTeaser")}

    def output_offset(self, output: str | Path) -> int:
        return int(self.server.hget(f"{STATE_PREFIX}:offsets", os.path.abspath(output)) or 0)

    # ---- the discovery side channel, shared: a listing read by one worker, its article fetched by another
    def note_discovered(self, article_id: int, modified: str) -> None:
        noted = self.discovered_modified(article_id)
        if noted is None or parse_time(modified) > parse_time(noted):
            self.server.hset(f"{STATE_PREFIX}:discovered", str(article_id), modified)

    def discovered_modified(self, article_id: int | None) -> str | None:
        if article_id is None:
            return None
        value = self.server.hget(f"{STATE_PREFIX}:discovered", str(article_id))
        return value.decode() if value is not None else None

    # ---- writing -----------------------------------------------------------------------------------
    def claim(self, kind: str, fields: dict, output: str | Path, offset: int) -> bool:
        claim = f"{self.worker}|{offset}|{os.path.abspath(output)}"
        if kind == "Article":
            compare = ["content_hash", _text(fields.get("content_hash")), "updated_at", _text(fields.get("updated_at"))]
        else:
            compare = ["date", _text(fields.get("date")), "updated", "1" if fields.get("updated") else "0"]
        key = self.key(kind, fields["article_id"])
        for _ in range(3):
            answer = self._claim(keys=[key, self._pending_key()],
                                 args=[kind, int(fields.get("version") or 1), *compare, claim])
            if answer[0] == b"ok":
                return True
            if answer[0] == b"emitted" or not self._settle(kind, key, answer[1].decode()):
                return False
        return False

    def _settle(self, kind: str, key: str, claim: str) -> bool:
        """Settle another worker's pending claim. True when it was released (the item is free again)."""
        worker, offset, path = claim.split("|", 2)
        fields = _line_at(Path(path), int(offset))
        if fields is not None and self.key(kind, fields.get("article_id")) == key:
            with self.server.pipeline() as pipe:  # its line is written: record it on its behalf
                self._upsert(pipe, kind, fields, None)
                pipe.execute()
            return False
        if worker != self.worker and worker_alive(self.server, self.frontier, worker, self.lease_seconds):
            return False  # alive: it is writing the line now
        return bool(self._release(keys=[key], args=[claim]))

    def catch_up(self, output: Path, kind: str) -> int:
        recorded = super().catch_up(output, kind)
        self.settle_own_claims()
        return recorded

    def settle_own_claims(self) -> None:
        """At start, after catch_up: a claim this worker left unwritten when it was killed is released."""
        for key in self.server.smembers(self._pending_key()):
            claim = self.server.hget(key, "claim")
            if claim is not None and claim.decode().startswith(f"{self.worker}|"):
                kind = key.decode().split(":")[2]
                self._settle(kind, key.decode(), claim.decode())
            self.server.srem(self._pending_key(), key)

    def _pending_key(self) -> str:
        return f"{STATE_PREFIX}:pending:{self.worker}"

    def record_item(self, kind: str, fields: dict, output: str | Path | None = None, offset: int | None = None,
                    discovered_modified: str | None = None) -> None:
        with self.server.pipeline() as pipe:
            self._upsert(pipe, kind, fields, discovered_modified)
            if output is not None:
                pipe.hset(f"{STATE_PREFIX}:offsets", os.path.abspath(output), offset)
            pipe.execute()

    def _record_lines(self, kind: str, lines: list[dict], output: Path, size: int) -> None:
        with self.server.pipeline() as pipe:
            for fields in lines:
                self._upsert(pipe, kind, fields, None)
            pipe.hset(f"{STATE_PREFIX}:offsets", os.path.abspath(output), size)
            pipe.execute()

    def _upsert(self, pipe, kind: str, fields: dict, discovered_modified: str | None) -> None:
        key, now = self.key(kind, fields["article_id"]), self.now()
        if kind == "Article":
            values = {f: _text(fields.get(f)) for f in ARTICLE_FIELDS}
            values["version"] = int(fields.get("version") or 1)
        elif kind == "EditorialTeaser":
            values = {"date": _text(fields.get("date")), "updated": "1" if fields.get("updated") else "0"}
        else:
            raise ValueError(f"no state is kept for {kind} items")
        if discovered_modified:
            values["discovered_modified"] = discovered_modified
        pipe.hsetnx(key, "first_seen", now)
        pipe.hset(key, mapping={**values, "status": EMITTED, "last_seen": now})
        pipe.hdel(key, "claim")
        pipe.sadd(f"{STATE_PREFIX}:emitted:{kind}", fields["article_id"])
        if kind == "Article":
            self._ledger_written(pipe, fields)  # the ledger says written with the line's record
        pipe.srem(self._pending_key(), key)

    def touch_article(self, article_id: int, discovered_modified: str | None = None) -> None:
        values = {"last_seen": self.now(), **({"discovered_modified": discovered_modified} if discovered_modified else {})}
        self.server.hset(self.key("Article", article_id), mapping=values)

    def touch_teaser(self, article_id: int) -> None:
        self.server.hset(self.key("EditorialTeaser", article_id), "last_seen", self.now())

    def mark_unavailable(self, article_id: int, status: str, discovered_modified: str | None = None) -> None:
        key, now = self.key("Article", article_id), self.now()
        if self.server.hget(key, "status") == EMITTED.encode():
            return self.touch_article(article_id, discovered_modified)  # an emitted article keeps its record
        self.server.hsetnx(key, "first_seen", now)
        self.server.hset(key, mapping={"status": status, "last_seen": now,
                                       **({"discovered_modified": discovered_modified} if discovered_modified else {})})


def _line_at(path: Path, offset: int) -> dict | None:
    """The whole JSON line starting at `offset` in `path`, or None (no file, torn or no line there)."""
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            line = handle.readline()
    except OSError:
        return None
    if not line.endswith(b"\n"):
        return None
    try:
        return json.loads(line)
    except ValueError:
        return None
