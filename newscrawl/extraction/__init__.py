"""Pure extraction: parsel Selectors (or text) in, item fields out. No I/O, no Scrapy engine.

Belongs here: page objects and the text logic they and the pipelines share (sidebar.py). Not here: anything that
downloads, schedules, remembers or monitors; this folder imports only items.py, urls.py and itself.
"""

from newscrawl.extraction.article import DawnArticlePage, content_hash
from newscrawl.extraction.discovery import (
    ArticleLink,
    atom_links,
    feed_links,
    listing_links,
    rss_links,
    sitemap_index_locations,
    sitemap_links,
)
from newscrawl.extraction.feeds import feed_bodies, rss_bodies
from newscrawl.extraction.generic import GenericBody
from newscrawl.extraction.parse import ARTICLE_PARSERS, ParsedArticlePage, parse_article, parser_for
from newscrawl.extraction.teasers import EditorialSidebar, listing_teasers, sidebar_teasers

__all__ = [
    "ARTICLE_PARSERS",
    "EditorialSidebar",
    "GenericBody",
    "ParsedArticlePage",
    "parse_article",
    "parser_for",
    "ArticleLink",
    "DawnArticlePage",
    "content_hash",
    "atom_links",
    "feed_bodies",
    "feed_links",
    "listing_links",
    "listing_teasers",
    "rss_bodies",
    "rss_links",
    "sidebar_teasers",
    "sitemap_index_locations",
    "sitemap_links",
]
