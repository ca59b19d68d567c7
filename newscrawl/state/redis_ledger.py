"""The ledger in the Redis store (distributed mode, newscrawl/state/redis.py): the same records and precedence as
the SQLite ledger (newscrawl/state/ledger_sqlite.py), shared by every worker.

Keys: `newscrawl:state:ledger:<id>` (hash: claimed_day, published_day, outcome, reason, detail, version,
first_known, and `source:<name>` -> when that source first listed the id), `newscrawl:state:ledger:ids` (set of
ids), `newscrawl:state:archive_pages` (hash: archive page URL -> JSON of day, outcome, reason, tried_at).
An outcome is set by one Lua script (atomic: two workers never interleave a read and a write of the precedence).
"""

from __future__ import annotations

import json

from newscrawl.distributed.mode import STATE_PREFIX
from newscrawl.state.records import FILTERED, NOT_TRIED, WRITTEN, ArchivePage, LedgerEntry, published_day

LEDGER_PREFIX = f"{STATE_PREFIX}:ledger"
LEDGER_IDS = f"{LEDGER_PREFIX}:ids"
ARCHIVE_PAGES = f"{STATE_PREFIX}:archive_pages"
SOURCE_FIELD = "source:"
# KEYS: the id's hash, the id set. ARGV: id, outcome, reason, detail, published day, version, now.
SET_OUTCOME = f"""
local old = redis.call('HGET', KEYS[1], 'outcome')
local keep = (old == '{WRITTEN}' and ARGV[2] ~= '{WRITTEN}')
  or (ARGV[2] == '{FILTERED}' and old and old ~= '{NOT_TRIED}' and old ~= '{FILTERED}')
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('HSETNX', KEYS[1], 'first_known', ARGV[7])
if not keep then redis.call('HSET', KEYS[1], 'outcome', ARGV[2], 'reason', ARGV[3], 'detail', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'published_day', ARGV[5]) end
if tonumber(ARGV[6]) > tonumber(redis.call('HGET', KEYS[1], 'version') or '0') then
  redis.call('HSET', KEYS[1], 'version', ARGV[6])
end
return 1
"""
READ_CHUNK = 1000  # ids read per pipeline round trip


class RedisLedger:
    """Mixed into RedisStateStore: needs its `server` (a Redis client) and `now`."""

    @property
    def _set_outcome_script(self):
        if getattr(self, "_ledger_script", None) is None:
            self._ledger_script = self.server.register_script(SET_OUTCOME)
        return self._ledger_script

    def _set_outcome(self, client, article_id: int, outcome: str, reason, detail, day, version: int) -> None:
        self._set_outcome_script(keys=[f"{LEDGER_PREFIX}:{article_id}", LEDGER_IDS], client=client,
                                 args=[article_id, outcome, reason or "", detail or "", day or "", version, self.now()])

    def note_listed(self, links: list[tuple[int, str | None]], source: str, filtered: bool = False) -> None:
        if not links:
            return
        now = self.now()
        with self.server.pipeline() as pipe:
            for article_id, day in links:
                key = f"{LEDGER_PREFIX}:{article_id}"
                pipe.sadd(LEDGER_IDS, article_id)
                pipe.hsetnx(key, "first_known", now)
                pipe.hsetnx(key, "outcome", NOT_TRIED)
                pipe.hsetnx(key, SOURCE_FIELD + source, now)
                if day:
                    pipe.hsetnx(key, "claimed_day", day)
                if filtered:
                    self._set_outcome(pipe, article_id, FILTERED, "listed_outside_range", None, None, 0)
            pipe.execute()

    def record_outcome(self, article_id: int, outcome: str, reason: str | None = None, detail: str | None = None,
                       published_at: str | None = None) -> None:
        self._set_outcome(self.server, article_id, outcome, reason, detail, published_day(published_at), 0)

    def _ledger_written(self, pipe, fields: dict) -> None:
        """Inside the pipeline that records the Article's line (redis.py `_upsert`)."""
        self._set_outcome(pipe, fields["article_id"], WRITTEN, None, None, published_day(fields.get("published_at")),
                          int(fields.get("version") or 1))

    def note_archive_page(self, url: str, day: str, outcome: str, reason: str | None = None) -> None:
        self.server.hset(ARCHIVE_PAGES, url, json.dumps({"day": day, "outcome": outcome, "reason": reason,
                                                         "tried_at": self.now()}))

    # ---- reading -----------------------------------------------------------------------------------
    def ledger_entries(self) -> list[LedgerEntry]:
        ids = sorted(int(i) for i in self.server.smembers(LEDGER_IDS))
        entries = []
        for start in range(0, len(ids), READ_CHUNK):
            chunk = ids[start:start + READ_CHUNK]
            with self.server.pipeline(transaction=False) as pipe:
                for article_id in chunk:
                    pipe.hgetall(f"{LEDGER_PREFIX}:{article_id}")
                rows = pipe.execute()
            entries += [_entry(article_id, row) for article_id, row in zip(chunk, rows) if row]
        return entries

    def ledger_entry(self, article_id: int) -> LedgerEntry | None:
        row = self.server.hgetall(f"{LEDGER_PREFIX}:{article_id}")
        return _entry(article_id, row) if row else None

    def archive_pages(self) -> list[ArchivePage]:
        pages = [ArchivePage(url.decode(), **json.loads(value))
                 for url, value in self.server.hgetall(ARCHIVE_PAGES).items()]
        return sorted(pages, key=lambda page: (page.day, page.url))


def _entry(article_id: int, raw: dict) -> LedgerEntry:
    row = {k.decode(): v.decode() for k, v in raw.items()}
    sources = {k[len(SOURCE_FIELD):]: v for k, v in row.items() if k.startswith(SOURCE_FIELD)}
    return LedgerEntry(article_id, row.get("claimed_day") or None, row.get("published_day") or None,
                       row.get("outcome") or NOT_TRIED, row.get("reason") or None, row.get("detail") or None,
                       int(row.get("version") or 0), row.get("first_known", ""), sources)
