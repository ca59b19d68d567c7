"""Pure extraction: parsel Selectors in, item fields out. No I/O, no Scrapy engine."""

from .article import DawnArticlePage, content_hash
from .discovery import (
    ArticleLink,
    listing_links,
    rss_links,
    sitemap_index_locations,
    sitemap_links,
)
from .generic import GenericBody
from .parse import ARTICLE_PARSERS, ParsedArticlePage, parse_article, parser_for
from .teasers import EditorialSidebar, listing_teasers, sidebar_teasers

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
    "listing_links",
    "listing_teasers",
    "rss_links",
    "sidebar_teasers",
    "sitemap_index_locations",
    "sitemap_links",
]
