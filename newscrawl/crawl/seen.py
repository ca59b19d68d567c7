"""What the deduplicate pipeline has let through in this crawl: its memory, which others may read.

`pipelines/deduplicate.py` is the one place that dedupes, and the only writer: it adds an item's key when it lets
the item through, and drops any later item with the same key. The spider reads the EditorialTeaser ids before it
reads a sidebar's teasers: the sidebar repeats the same teasers on every article page, and a teaser whose id is
here would only be built, sent through the pipelines and dropped (counted as stats_keys.TEASERS_ALREADY_EMITTED
instead). The pipeline still dedupes whatever reaches it (two pages parsed before either's teasers reached it).
One per crawler; in memory, forgotten when the crawl ends (the state store remembers across crawls).
"""

from __future__ import annotations


class SeenThisCrawl:
    def __init__(self) -> None:
        self._ids: dict[str, set[int]] = {}  # item type name -> article ids let through

    def ids(self, kind: str) -> set[int]:
        """The article ids of item type `kind` let through so far (a live view: read it, never write it)."""
        return self._ids.setdefault(kind, set())

    def __contains__(self, key: tuple[str, int]) -> bool:
        kind, article_id = key
        return article_id in self.ids(kind)

    def add(self, key: tuple[str, int]) -> None:
        """Only the deduplicate pipeline calls this."""
        kind, article_id = key
        self.ids(kind).add(article_id)


def seen_for(crawler) -> SeenThisCrawl:
    """The crawl's one SeenThisCrawl, shared by the deduplicate pipeline and the spider."""
    if not hasattr(crawler, "newscrawl_seen"):
        crawler.newscrawl_seen = SeenThisCrawl()
    return crawler.newscrawl_seen
