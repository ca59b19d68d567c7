"""The two item types this project emits. Both are dataclasses, which itemadapter supports.

Field meanings are documented in docs/OUTPUT.md. A field left at its default means
"the page did not give it"; the Validate pipeline decides which of those are fatal.

`Article` is the one declaration of the article fields: each field the page gives has one `@field` method of that
name on the page object (newscrawl/extraction/fields.py checks it when the class is defined); a field the page does
not give carries `NOT_FROM_PAGE` and is set by whoever knows it (the spider, a pipeline). The fixture library and the
tests derive their field lists from here with `page_fields()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache

# dataclass field metadata: the page object does not give this field
NOT_FROM_PAGE = {"from_page": False}


@dataclass
class Article:
    # which item a line is: -O feed exports mix both types, and an editorial is both an Article and a teaser
    item_type: str = field(default="Article", metadata=NOT_FROM_PAGE)
    url: str | None = None  # canonical https://www.dawn.com/news/<id>, no slug
    article_id: int | None = None
    title: str | None = None
    summary: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    published_at: str | None = None  # ISO 8601 with the page's offset
    updated_at: str | None = None
    dateline: str | None = None
    body: str | None = None  # blocks separated by a blank line
    print_edition: dict | None = None  # {"publication": "Dawn", "date": "2020-02-03"}
    images: list[dict] = field(default_factory=list)  # [{"url": ..., "caption": ... or None}]
    tags: list[str] = field(default_factory=list)
    language: str = "en"
    fetched_at: str | None = field(default=None, metadata=NOT_FROM_PAGE)  # ISO 8601 UTC, set by the spider
    # sha256 of title + the final body; set by pipelines/strip_sidebar.py only, once the body is final
    content_hash: str | None = field(default=None, metadata=NOT_FROM_PAGE)
    extractor: str = "dawn"  # "dawn": a named body container gave the body; "generic": paragraphs or trafilatura;
    # "amp": read from an AMP copy, the only copy there was (docs/OUTPUT.md)
    # why the page's render failed ("TimeoutError", ...) when the Article is what its plain HTML gave; else None
    render_failed: str | None = field(default=None, metadata=NOT_FROM_PAGE)
    version: int = field(default=1, metadata=NOT_FROM_PAGE)  # 1 when first emitted; +1 each time a later crawl emits it changed (pipelines/versioning.py)
    source: str = field(default="live", metadata=NOT_FROM_PAGE)  # "live" (from Dawn) or "commoncrawl"
    cc_crawl: str | None = field(default=None, metadata=NOT_FROM_PAGE)  # from Common Crawl: the crawl id
    cc_filename: str | None = field(default=None, metadata=NOT_FROM_PAGE)  # its WARC file, relative to the data server
    cc_offset: int | None = field(default=None, metadata=NOT_FROM_PAGE)  # the record's offset in that file
    cc_length: int | None = field(default=None, metadata=NOT_FROM_PAGE)  # the record's length (gzip member)
    cc_captured_at: str | None = field(default=None, metadata=NOT_FROM_PAGE)  # when Common Crawl captured it (UTC)


@dataclass
class EditorialTeaser:
    item_type: str = "EditorialTeaser"
    url: str | None = None
    article_id: int | None = None
    title: str | None = None
    excerpt: str | None = None
    date: str | None = None  # ISO date
    updated: bool = False
    section: str | None = None  # the sidebar heading it sits under, e.g. "Editorial"
    first_seen_on: str | None = None  # URL of the page this crawl first saw it on
    fetched_at: str | None = None


#: Longest body the Validate pipeline accepts, in characters: 200,000 is some 30,000 words, longer than any
#: newspaper article (a budget speech printed whole included); a longer body is a page that is not one.
MAX_BODY_CHARS = 200_000

#: Fields without which an item is dropped by the Validate pipeline.
REQUIRED_FIELDS: dict[type, tuple[str, ...]] = {
    Article: ("url", "article_id", "title", "published_at", "body"),
    EditorialTeaser: ("url", "article_id", "title"),
}


@cache
def page_fields(item_class: type) -> tuple[str, ...]:
    """The fields of an item class that its page object gives, in declaration order."""
    return tuple(f.name for f in fields(item_class) if f.metadata.get("from_page", True))
