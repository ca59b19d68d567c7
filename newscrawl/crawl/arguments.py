"""The `dawn` spider's arguments (`-a NAME=VALUE`), read and checked as a whole before the first request.

`scrapy crawl` (newscrawl/commands/scrapy_commands/crawl.py) checks them before the crawl starts, so a bad one stops it with one
line and exit code 2; the spider parses them again with the same function.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from newscrawl.urls import ARTICLE_ID_RANGE, SITE_HOST, SITE_ROOT, canonical_article_url

KNOWN = ("since", "until", "urls", "url_file", "refresh", "from_archive", "ids", "source", "crawls")
# -a ids=FROM-TO asks for every id of a range; a longer sweep is split by the user (at the polite 2 s a request,
# 100,000 ids are 2.3 days)
MAX_SWEEP_IDS = 100_000
SOURCES = ("dawn", "commoncrawl")  # -a source: where pages come from (docs/COMMONCRAWL.md)
# Passed to every spider by the tools that start it (scrapyd's job id): not the user's to get wrong.
PASSED_BY_TOOLS = ("_job",)
_YES, _NO = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


class BadArgument(ValueError):
    """A spider argument that cannot be used; the message names it and says what was expected."""


@dataclass(frozen=True)
class CrawlArguments:
    since: date | None = None  # both set, or both None: `until` alone means that one day, `since` alone up to today
    until: date | None = None
    urls: tuple[str, ...] = ()  # -a urls; -a url_file's lines are read as the crawl goes (explicit_urls)
    refresh: bool = False
    from_archive: bool = False  # re-extract every article of NEWSCRAWL_REPLAY (docs/ARCHIVES.md)
    url_file: str | None = None
    ids: range = range(0)  # -a ids=FROM-TO: every article id of the range, asked (docs/STATE.md "The ledger")

    @property
    def explicit(self) -> bool:
        return bool(self.urls or self.url_file or self.ids)

    @property
    def follows_links(self) -> bool:
        """Discovery follows links; a crawl given its pages (urls, url_file, ids, an archive, a Common Crawl
        backfill) asks for those only, and never Dawn for anything else."""
        return not (self.explicit or self.from_archive or self.source == "commoncrawl")

    def explicit_sources(self) -> Iterator[tuple[str, str]]:
        """(the ledger's source name, URL) of every page given to the crawl: -a urls, then -a url_file's URLs
        (source "urls"), then -a ids (source "ids"); streamed, so a list of any length is never held whole (a
        repeat is the dupefilter's to drop)."""
        for url in self.urls:
            yield "urls", url
        if self.url_file:
            for url in file_urls(self.url_file):
                yield "urls", url
        for article_id in self.ids:
            yield "ids", canonical_article_url(article_id)

    def explicit_urls(self) -> Iterator[str]:
        return (url for _, url in self.explicit_sources())
    source: str = "dawn"  # "commoncrawl": backfill since..until from Common Crawl, not from Dawn
    crawls: tuple[str, ...] = ()  # with source=commoncrawl: these crawls only (e.g. CC-MAIN-2025-33)

    @property
    def dated(self) -> bool:
        return self.since is not None

    def days_newest_first(self) -> list[date]:
        """Each day of the range, newest first (a backfill cut short has the most recent days)."""
        if not self.dated:
            return []
        return [self.until - timedelta(n) for n in range((self.until - self.since).days + 1)]

    def in_range(self, day: date | None) -> bool:
        """Whether a day is inside the range; an undated crawl, or an entry that does not say, is in it."""
        return day is None or not self.dated or self.since <= day <= self.until


def parse_day(value: str, name: str) -> date:
    """A YYYY-MM-DD spider argument, with an error that names the argument."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadArgument(f"-a {name}={value!r}: expected a date as YYYY-MM-DD") from None


def parse_flag(value: str, name: str) -> bool:
    text = value.strip().lower()
    if text in _YES or text in _NO:
        return text in _YES
    raise BadArgument(f"-a {name}={value!r}: expected 1 or 0 (or true/false, yes/no)")


def file_urls(url_file: str) -> Iterator[str]:
    """The URLs of a url_file, one per line (blank lines and `#` comments skipped), read line by line."""
    with open(url_file, encoding="utf-8") as lines:
        for line in lines:
            if line.strip() and not line.lstrip().startswith("#"):
                yield line.strip()


def read_urls(urls: str | None, url_file: str | None) -> tuple[str, ...]:
    """The -a urls list; -a url_file is checked here in one pass (every URL, none kept) and read again as the
    crawl goes."""
    listed = tuple(dict.fromkeys(u.strip() for u in (urls or "").split(",") if u.strip()))
    if url_file and not Path(url_file).is_file():
        raise BadArgument(f"-a url_file={url_file}: no such file")
    bad, count = [], 0
    for url in (*listed, *(file_urls(url_file) if url_file else ())):
        count += 1
        if (urlsplit(url).scheme not in ("http", "https") or urlsplit(url).netloc != SITE_HOST) and len(bad) < 5:
            bad.append(url)
    if bad:
        raise BadArgument(f"only {SITE_ROOT} pages can be crawled; not: {', '.join(bad)}")
    if url_file and not count:
        raise BadArgument(f"-a url_file={url_file}: no URL in it (one per line; blank lines and # comments skipped)")
    return listed


def parse_ids(value: str) -> range:
    """-a ids=FROM-TO (inclusive): an id range, within ARTICLE_ID_RANGE and at most MAX_SWEEP_IDS long."""
    first, dash, last = value.strip().partition("-")
    if not (dash and first.strip().isdigit() and last.strip().isdigit()):
        raise BadArgument(f"-a ids={value!r}: expected FROM-TO, two article ids, e.g. ids=1918000-1918100")
    ids = range(int(first), int(last) + 1)
    if not ids or ids.start not in ARTICLE_ID_RANGE or ids[-1] not in ARTICLE_ID_RANGE:
        raise BadArgument(f"-a ids={value!r}: FROM must not be above TO, both between 1 and {ARTICLE_ID_RANGE[-1]:,}")
    if len(ids) > MAX_SWEEP_IDS:
        raise BadArgument(f"-a ids={value!r}: {len(ids):,} ids; at most {MAX_SWEEP_IDS:,} per crawl (split the range)")
    return ids


def parse_arguments(raw: dict[str, str], today: date) -> CrawlArguments:
    """All the spider's arguments, or BadArgument for the first that cannot be used. `today`: the default
    end of a `since` range (Dawn's today, newscrawl.clock.dawn_today)."""
    if unknown := sorted(set(raw) - set(KNOWN) - set(PASSED_BY_TOOLS)):
        raise BadArgument(f"unknown argument -a {unknown[0]}=...; the dawn spider takes: {', '.join(KNOWN)}")
    since = parse_day(raw["since"], "since") if raw.get("since") else None
    until = parse_day(raw["until"], "until") if raw.get("until") else None
    if since and not until and since > today:
        raise BadArgument(f"-a since={since} is after today ({today}) in Pakistan: nothing to crawl yet")
    if since or until:
        until = until or today
        since = since or until  # `until` alone: that one day
    if since and since > until:
        raise BadArgument(f"-a since={since} is after -a until={until}")
    urls = read_urls(raw.get("urls"), raw.get("url_file"))
    refresh = parse_flag(str(raw.get("refresh") or ""), "refresh")
    from_archive = parse_flag(str(raw.get("from_archive") or ""), "from_archive")
    ids = parse_ids(raw["ids"]) if raw.get("ids") else range(0)
    source, crawls = parse_source(raw, since, urls or raw.get("url_file") or ids, from_archive)
    return CrawlArguments(since, until, urls, refresh, from_archive, raw.get("url_file") or None, ids, source, crawls)


def parse_source(raw: dict[str, str], since: date | None, urls: tuple, from_archive: bool) -> tuple[str, tuple]:
    source = (raw.get("source") or "dawn").strip().lower()
    if source not in SOURCES:
        raise BadArgument(f"-a source={raw['source']!r}: expected one of {', '.join(SOURCES)}")
    crawls = tuple(dict.fromkeys(c.strip() for c in (raw.get("crawls") or "").split(",") if c.strip()))
    if crawls and source != "commoncrawl":
        raise BadArgument("-a crawls=... names Common Crawl crawls: it needs -a source=commoncrawl")
    if bad := [c for c in crawls if not re.fullmatch(r"CC-MAIN-\d{4}-\d{2,4}", c)]:
        raise BadArgument(f"-a crawls: {bad[0]!r} is not a crawl id like CC-MAIN-2025-33")
    if source == "commoncrawl":
        if since is None:
            raise BadArgument("-a source=commoncrawl needs -a since=YYYY-MM-DD (and -a until, default today)")
        if urls or from_archive:
            raise BadArgument("-a source=commoncrawl backfills a date range: it takes no urls, url_file or from_archive")
    return source, crawls
