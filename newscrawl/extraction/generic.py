"""The generic body source: when the Dawn parser finds no body, trafilatura reads the page's main column for it
(the page without sidebars, widgets, navigation and boxes of other articles: `StoryLocator.main_column_html`), so
that a teaser's excerpt can never become the body.

Every other field still comes from the page object (story markup, meta tags, JSON-LD); only the body source
changes, so dateline and print line are found in the generic body the same way. The item says
`"extractor": "generic"` so that a user can tell, and the crawl counts it (a drift alarm, see newscrawl.monitoring.drift).
"""

from __future__ import annotations

from functools import cached_property

from newscrawl.extraction.text import clean


# Longest page handed to trafilatura, in characters: four times the real 535 KB /latest-news capture. Its cost
# grows with the page (a 20 MB page held a crawl 13 s and 0.8 GB); a longer page without Dawn's body container
# is no article page, and its Article is dropped for its missing body.
GENERIC_MAX_CHARS = 2_000_000


def generic_blocks(html: str, url: str | None = None) -> list[str]:
    """The main text of a page as blocks (trafilatura's lines), or [] when it finds none or the page is longer
    than GENERIC_MAX_CHARS."""
    if len(html) > GENERIC_MAX_CHARS:
        return []
    import trafilatura  # here, not above: most crawls never need it, and its import is 0.06 s of every start

    # precision over recall: a page without Dawn's body container is most likely a layout change, and a
    # short clean body is worth more than one with the navigation in it; no tables (Dawn's are sidebars)
    text = trafilatura.extract(html, url=url, favor_precision=True, include_comments=False, include_tables=False,
                               include_images=False, deduplicate=False)
    return [block for line in (text or "").splitlines() if (block := clean(line))]


class GenericBody:
    """The body trafilatura finds in the page's main column."""

    extractor = "generic"

    def __init__(self, locator, url: str):
        self.locator = locator
        self.url = url

    @cached_property
    def blocks(self) -> list[str]:
        # a serialised copy: trafilatura prunes the tree it is given, and the other fields read the page's own
        return generic_blocks(self.locator.main_column_html(), self.url)
