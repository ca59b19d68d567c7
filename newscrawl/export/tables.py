"""The exported tables: their columns, DuckDB types, the key a row is one version of, and the CC-News projection.

The column names are the item fields of newscrawl/items.py. A field the exporter has no type for (a field added to
an item after this table was written, such as provenance fields) is never lost: every key of a line that is not a
typed column goes, with its JSON value, into the `extra` column (a JSON object, null when there is none) and is
counted by name in the report."""

from __future__ import annotations

from dataclasses import dataclass, fields

from newscrawl.items import Article, EditorialTeaser

# DuckDB types of the item fields: times are instants (TIMESTAMPTZ, the page's offset applied), ids integers,
# lists lists and images a list of structs, so that every reader gets them typed without parsing strings.
FIELD_TYPES = {
    "item_type": "VARCHAR", "url": "VARCHAR", "article_id": "BIGINT", "title": "VARCHAR", "summary": "VARCHAR",
    "authors": "VARCHAR[]", "section": "VARCHAR", "published_at": "TIMESTAMPTZ", "updated_at": "TIMESTAMPTZ",
    "dateline": "VARCHAR", "body": "VARCHAR", "print_edition": "STRUCT(publication VARCHAR, date DATE)",
    "images": "STRUCT(url VARCHAR, caption VARCHAR)[]", "tags": "VARCHAR[]", "language": "VARCHAR",
    "fetched_at": "TIMESTAMPTZ", "content_hash": "VARCHAR", "extractor": "VARCHAR", "version": "BIGINT",
    # why a render failed (the plain HTML was read instead); where the page came from (docs/OUTPUT.md)
    "render_failed": "VARCHAR", "source": "VARCHAR", "cc_crawl": "VARCHAR", "cc_filename": "VARCHAR",
    "cc_offset": "BIGINT", "cc_length": "BIGINT", "cc_captured_at": "TIMESTAMPTZ",
    # EditorialTeaser's own
    "excerpt": "VARCHAR", "date": "DATE", "updated": "BOOLEAN", "first_seen_on": "VARCHAR",
}


@dataclass(frozen=True)
class Table:
    name: str  # the folder in DEST
    item_type: str  # the item_type its lines carry
    file_stem: str  # articles -> articles.jsonl, articles.<worker>.jsonl
    columns: dict[str, str]  # typed columns, in the item's field order
    day: str  # the column whose Pakistan-time calendar day is the row's day (filters, partitions)
    # the order in which the versions of one id compare, newest last ("latest" keeps the greatest)
    newest: tuple[str, ...]


def _columns(item_class: type) -> dict[str, str]:
    return {f.name: FIELD_TYPES[f.name] for f in fields(item_class) if f.name in FIELD_TYPES}


ARTICLES = Table("articles", "Article", "articles", _columns(Article), "published_at",
                 ("version", "fetched_at", "content_hash"))
TEASERS = Table("teasers", "EditorialTeaser", "editorial_teasers", _columns(EditorialTeaser), "date",
                ("fetched_at", "updated", "title"))
TABLES = (ARTICLES, TEASERS)

# Hugging Face CC-News (https://huggingface.co/datasets/cc_news) column names, from the Article's columns
CC_NEWS = {
    "title": "title",
    "text": "body",
    "domain": "regexp_extract(url, '^https?://([^/]+)', 1)",
    "date": "published_at",
    "description": "summary",
    "url": "url",
    "image_url": "images[1].url",
    "article_id": "article_id",
}
