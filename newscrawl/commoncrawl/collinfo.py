"""Which crawls to read: Common Crawl's list of crawls (collinfo.json), cached on disk as Common Crawl asks.

The rule: a story published on day D is captured only after D, so a crawl can hold a story of since..until when it
was still capturing on or after `since` (its `to` >= since). Every such crawl is read, newest first: a story is
captured again for years, and the newest complete capture of it is the one kept (newscrawl/commoncrawl/plan.py).
Captures before `since` are not even listed (the index query's `from`).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from newscrawl.commoncrawl.client import PoliteClient

CACHE_NAME = "collinfo.json"


class UnknownCrawl(ValueError):
    """A crawl named with -a crawls that collinfo.json does not list."""


@dataclass(frozen=True)
class Crawl:
    id: str
    cdx_api: str
    start: str  # "from" of collinfo: the first capture, ISO 8601 without offset (UTC)
    end: str  # "to": the last capture

    def can_hold(self, since: date) -> bool:
        return self.end[:10] >= since.isoformat()


def crawl_list(client: PoliteClient, index_base: str, cache_dir: Path, max_age_seconds: float) -> list[Crawl]:
    """Every crawl collinfo.json lists, newest first; read from the cache while it is younger than max_age."""
    cache = cache_dir / CACHE_NAME
    if not cache.exists() or time.time() - cache.stat().st_mtime > max_age_seconds:
        answer = client.get(f"{index_base.rstrip('/')}/collinfo.json")
        if answer.status != 200:
            raise ValueError(f"{index_base}/collinfo.json answered HTTP {answer.status}")
        json.loads(answer.body)  # a broken answer is not cached
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(".part")
        partial.write_bytes(answer.body)
        partial.replace(cache)
    entries = json.loads(cache.read_text(encoding="utf-8"))
    crawls = [Crawl(e["id"], e["cdx-api"], e.get("from", ""), e.get("to", "")) for e in entries if e.get("cdx-api")]
    return sorted(crawls, key=lambda crawl: crawl.end, reverse=True)


def pick_crawls(crawls: list[Crawl], since: date, named: tuple[str, ...] = ()) -> list[Crawl]:
    """The crawls named (in collinfo's order), or every crawl that can hold stories of `since` onwards."""
    if named:
        known = {crawl.id: crawl for crawl in crawls}
        if missing := [name for name in named if name not in known]:
            raise UnknownCrawl(f"-a crawls: {', '.join(missing)} not in collinfo.json "
                               f"(newest: {', '.join(c.id for c in crawls[:3])})")
        return [crawl for crawl in crawls if crawl.id in named]
    return [crawl for crawl in crawls if crawl.can_hold(since)]
