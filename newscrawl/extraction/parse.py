"""Which parser reads an article page, and the fallback when it finds no body. Pure: Selector in, fields out.

Parsers are versioned as fundus does it: when Dawn changes its layout so that the selectors must change, a new
page class is added to ARTICLE_PARSERS beside the old one (newest first), the old one keeps passing its
fixtures, and each page is read by the first class whose `matches()` recognises its markup.
"""

from __future__ import annotations

from collections import Counter
from functools import cached_property

from parsel import Selector

from newscrawl.extraction.article import DawnArticlePage
from newscrawl.extraction.generic import GenericBody
from newscrawl.extraction.teasers import EditorialSidebar

# Newest layout first. Only one Dawn layout has been seen (the Tailwind shell around `story__*` blocks);
# an older one gets its own class here, with its own fixtures, the day a page of it is recorded.
ARTICLE_PARSERS: tuple[type[DawnArticlePage], ...] = (DawnArticlePage,)


def parser_for(selector: Selector, parsers: tuple[type[DawnArticlePage], ...] = ARTICLE_PARSERS) -> type[DawnArticlePage]:
    """The first parser whose markup signature the page carries; the newest when none does."""
    if len(parsers) == 1:
        return parsers[0]  # the only one, whatever its signature says: no need to look
    return next((parser for parser in parsers if parser.matches(selector)), parsers[0])


class ParsedArticlePage:
    """One article page as the spider reads it, from one parse: the layout's page object (which the render
    decision asks, then the Article is read from) and the Opinion/Editorial sidebar (the teasers). Both read the
    same tree, so whatever one of them found (the page's class index, the story) the other does not look up."""

    def __init__(self, selector: Selector, url: str, parsers: tuple[type[DawnArticlePage], ...] = ARTICLE_PARSERS,
                 skipped: Counter | None = None):
        self.selector = selector
        self.url = url
        self.page = parser_for(selector, parsers)(selector, url)
        self.sidebar = EditorialSidebar(selector, url, skipped)  # sidebar boxes that cannot be read: counted

    @property
    def story_proof(self) -> str | None:
        """How the page's story box was proven ("id", "headline", "position"), None when none was (story.py)."""
        return self.page.locator.proof

    def article_fields(self) -> dict:
        """Article fields of the page. When the Dawn parser finds no body, the generic extractor supplies it and
        `extractor` says "generic". (A page whose body container is there but empty is the renderer's case: the
        spider asks for rendering before it gets here; a page it could not render falls back here too.)"""
        return self.read_page.to_item()

    @cached_property
    def read_page(self) -> DawnArticlePage:
        """The page object the Article is read from: the layout's, or the same page with the generic body."""
        if self.page.body() is None:
            generic = self.page.with_body(GenericBody(self.page.locator, self.url))
            if generic.body() is not None:
                return generic
        return self.page

    def left_out(self) -> dict[str, int]:
        """Blocks the body left out, by kind ({"navigation": 2}): the spider counts them."""
        return self.read_page.left_out()


def parse_article(selector: Selector, url: str, parsers: tuple[type[DawnArticlePage], ...] = ARTICLE_PARSERS) -> dict:
    """Article fields of a page (see ParsedArticlePage.article_fields)."""
    return ParsedArticlePage(selector, url, parsers).article_fields()
