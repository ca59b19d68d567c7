"""The ledger's ears (extension `LedgerRecorder`): what the crawl tells (newscrawl/crawl/outcomes.py signals, Scrapy's
item_dropped) goes into the state store's ledger (SQLite: newscrawl/state/ledger_sqlite.py; Redis:
newscrawl/state/redis_ledger.py) as it happens. "written" is not told here: the JSON-lines writer's own
transaction records it with the line (docs/STATE.md "The ledger").
"""

from __future__ import annotations

from scrapy import signals

from newscrawl.crawl.drops import NotAsked
from newscrawl.crawl.outcomes import ARCHIVE_PAGE, ARTICLE_OUTCOME, ARTICLES_LISTED, DROPPED, FILTERED
from newscrawl.items import Article
from newscrawl.state.records import EMITTED
from newscrawl.state.sqlite import state_for
from newscrawl.stats_keys import LEDGER_OUTCOMES


# Listings this crawl has told the store already, kept to skip repeats: every article page lists the same Opinion
# sidebar, and telling the store again changes nothing (it keeps the first time, day and source). Bounded: when
# full it is emptied, and a repeat after that costs one more idempotent write.
NOTED_MAX = 20_000


class LedgerRecorder:
    def __init__(self, crawler, state):
        self.crawler = crawler
        self.state = state
        self._noted: set[tuple[int, str | None, str]] = set()

    @classmethod
    def from_crawler(cls, crawler):
        recorder = cls(crawler, state_for(crawler))
        if recorder.state is not None:
            # bound methods of the extension, which Scrapy keeps (signal receivers are weak references)
            crawler.signals.connect(recorder.listed, signal=ARTICLES_LISTED)
            crawler.signals.connect(recorder.article_outcome, signal=ARTICLE_OUTCOME)
            crawler.signals.connect(recorder.archive_page, signal=ARCHIVE_PAGE)
            crawler.signals.connect(recorder.item_dropped, signal=signals.item_dropped)
        return recorder

    def listed(self, links, source, filtered):
        if filtered:  # a filtered listing also sets an outcome: always told
            self.state.note_listed(links, source, filtered)
            return
        new = [(article_id, day) for article_id, day in links if (article_id, day, source) not in self._noted]
        self.state.note_listed(new, source, filtered)
        if len(self._noted) + len(new) > NOTED_MAX:
            self._noted.clear()
        self._noted.update((article_id, day, source) for article_id, day in new)  # once the store has them

    def article_outcome(self, article_id, outcome, reason, detail, published_at):
        self.state.record_outcome(article_id, outcome, reason, detail, published_at)
        self.crawler.stats.inc_value(f"{LEDGER_OUTCOMES}/{outcome}")

    def archive_page(self, url, day, outcome, reason):
        self.state.note_archive_page(url, day, outcome, reason)

    def item_dropped(self, item, response, exception):
        """An Article dropped by a pipeline: dropped (the reason drop() named), or filtered (outside the date
        range). One already written keeps "written" (a repeat, an unchanged copy): nothing to record."""
        if not isinstance(item, Article) or item.article_id is None:
            return
        record = self.state.article(item.article_id)
        if record is not None and record.status == EMITTED:
            return
        reason = getattr(exception, "reason", None) or type(exception).__name__
        outcome = FILTERED if isinstance(exception, NotAsked) else DROPPED
        self.state.record_outcome(item.article_id, outcome, reason, str(exception)[:300], item.published_at)
        self.crawler.stats.inc_value(f"{LEDGER_OUTCOMES}/{outcome}")
