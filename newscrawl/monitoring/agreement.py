"""Feed/page body agreement: an accuracy monitor that needs no hand-written gold.

Dawn's RSS feeds carry each article's whole body (newscrawl/extraction/feeds.py). For every Article the crawl emits
whose id was also in a feed it read, the extracted body (final: after the strip-sidebar pipeline) is compared with
the feed's copy by word 4-gram F1 (newscrawl.monitoring.shingles, the measure bench/quality.py uses). The distribution goes into
the stats, and so into the end-of-crawl summary, `last_crawl.json` and newscrawl-cron's run record:

    newscrawl/feed_agreement/compared        Articles compared
    newscrawl/feed_agreement/min, /median     their F1
    newscrawl/feed_agreement/below           how many scored below NEWSCRAWL_FEED_AGREEMENT_MIN_F1 (each is logged
                                             as a WARNING naming the article), and /below_share of the compared
    newscrawl/feed_agreement/not_comparable  feed copies too short to compare (a live blog's item holds only a link)
    newscrawl/feed_agreement/feed_only       feed entries whose Article this crawl did not emit (not fetched, failed,
                                             or unchanged since the last crawl), counted when the spider closes
    newscrawl/feed_agreement/evicted         copies dropped unmatched to keep memory bounded

newscrawl.monitoring.drift raises the drift alarm when /below_share exceeds NEWSCRAWL_DRIFT_MAX_FEED_DISAGREEMENT.

The two sides arrive in either order (a feed may be parsed before or after the article it lists), so each waits for
the other in a store bounded by MAX_PENDING entries; the oldest entry goes first.
The spider hands over each feed's bodies with the FEED_BODIES_SEEN signal; Articles come from `item_scraped`, i.e.
only those written out.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, insort
from collections import OrderedDict
from statistics import median

from scrapy import signals

from newscrawl.items import Article
from newscrawl.monitoring.shingles import body_scores, word_count
from newscrawl.stats_keys import FEED_AGREEMENT, FEED_AGREEMENT_BELOW_SHARE, FEED_AGREEMENT_COMPARED

logger = logging.getLogger(__name__)

#: Signal the spider sends with `bodies` ({article id: feed body text}) for every feed it parses.
FEED_BODIES_SEEN = object()

PREFIX = FEED_AGREEMENT + "/"
# A feed copy with fewer words says too little to judge an extraction by (Dawn's live-blog items hold one link).
MIN_FEED_WORDS = 30
# Most feed copies (and most Article bodies) kept waiting for the other side; the oldest is dropped first. A Dawn
# feed lists tens of items and its articles are fetched within minutes, so this bounds memory without losing any.
MAX_PENDING = 2000


class BoundedStore(OrderedDict):
    """article id -> what waits for the other side, at most `limit` entries; adding one more evicts the oldest."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = max(limit, 1)
        self.evicted = 0

    def put(self, key: int, value) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)
            self.evicted += 1


class FeedAgreement:
    def __init__(self, crawler):
        settings = crawler.settings
        self.stats = crawler.stats
        self.min_f1 = settings.getfloat("NEWSCRAWL_FEED_AGREEMENT_MIN_F1")
        self.feed_bodies = BoundedStore(MAX_PENDING)  # feed copies waiting for their Article
        self.page_bodies = BoundedStore(MAX_PENDING)  # (body, url) of Articles waiting for a feed copy
        self.done: set[int] = set()  # ids compared (or found not comparable): a second feed listing one is ignored
        self.scores: list[float] = []  # sorted

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        # bound methods, kept alive by the extension object Scrapy holds (receivers are weak references)
        crawler.signals.connect(extension.feed_bodies_seen, signal=FEED_BODIES_SEEN)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    # ---- the two sides ---------------------------------------------------------------------------
    def feed_bodies_seen(self, bodies: dict[int, str]) -> None:
        for article_id, text in bodies.items():
            if article_id in self.done:
                continue
            if (page := self.page_bodies.pop(article_id, None)) is not None:
                self.compare(article_id, text, page[0], page[1])
            else:
                self.feed_bodies.put(article_id, text)
        self._count_evictions()

    def item_scraped(self, item, response=None, spider=None) -> None:
        if not isinstance(item, Article) or item.article_id is None or item.article_id in self.done:
            return
        if (text := self.feed_bodies.pop(item.article_id, None)) is not None:
            self.compare(item.article_id, text, item.body, item.url)
        else:
            self.page_bodies.put(item.article_id, (item.body, item.url))
            self._count_evictions()

    # ---- the comparison --------------------------------------------------------------------------
    def compare(self, article_id: int, feed_text: str, body: str | None, url: str | None) -> None:
        self.done.add(article_id)
        if word_count(feed_text) < MIN_FEED_WORDS:
            self.stats.inc_value(PREFIX + "not_comparable")
            return
        f1 = round(body_scores(feed_text, body)["f1"], 4)
        insort(self.scores, f1)
        below = bisect_left(self.scores, self.min_f1)
        if f1 < self.min_f1:
            logger.warning("Body of %s agrees with its feed copy at F1 %.2f only (below %.2f): extraction or feed "
                           "is wrong", url, f1, self.min_f1)
        self.stats.set_value(FEED_AGREEMENT_COMPARED, len(self.scores))
        self.stats.set_value(PREFIX + "min", self.scores[0])
        self.stats.set_value(PREFIX + "median", round(median(self.scores), 4))
        self.stats.set_value(PREFIX + "below", below)
        self.stats.set_value(FEED_AGREEMENT_BELOW_SHARE, round(below / len(self.scores), 4))

    def _count_evictions(self) -> None:
        evicted = self.feed_bodies.evicted + self.page_bodies.evicted
        if evicted:
            self.stats.set_value(PREFIX + "evicted", evicted)

    def spider_closed(self, spider, reason) -> None:
        if self.feed_bodies:
            self.stats.set_value(PREFIX + "feed_only", len(self.feed_bodies))
