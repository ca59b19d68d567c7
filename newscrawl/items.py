"""The two item types this project emits. Both are dataclasses, which itemadapter supports.

Field meanings are documented in README.md ("Output fields"). A field left at its default means
"the page did not give it"; the Validate pipeline decides which of those are fatal.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Article:
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
    fetched_at: str | None = None  # ISO 8601 UTC
    content_hash: str | None = None  # sha256 of title + body
    extractor: str = "dawn"  # "dawn", or "generic" when the fallback extractor supplied the body
    version: int = 1  # 1 when first emitted; +1 each time a later crawl emits it changed (pipelines/versioning.py)


@dataclass
class EditorialTeaser:
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
