"""From a read article page (newscrawl.crawl.article_reader.ArticleReading) to what the spider yields and counts: the
sidebar's teasers not yet emitted, then the Article; a parser that raised, as a counted drop.

Kept out of the spider, which only routes; the counts are the ones the drift alarms and newscrawl-cron watch.
"""

from __future__ import annotations

import logging
from datetime import date

from newscrawl.clock import utc_now
from newscrawl.items import Article, EditorialTeaser
from newscrawl.crawl import outcomes
from newscrawl.extraction.discovery import ArticleLink
from newscrawl.crawl.seen import seen_for
from newscrawl.stats_keys import (DROPPED, EXTRACTOR, LEFT_OUT_ARTICLES, LEFT_OUT_BLOCKS, PARSER_ERRORS,
                                  SKIPPED_ENTRIES, STORY_NOT_FOUND, STORY_PROVEN, TEASERS_ALREADY_EMITTED)

PARSER_ERROR_STAT = f"{DROPPED}/parser_error"
RENDER_FAILED_STAT = f"{DROPPED}/render_failed"
logger = logging.getLogger("dawn")


def article_items(crawler, url: str, reading, render_failed: str | None = None):
    """The page's teasers (those the deduplicate pipeline let through already, newscrawl/crawl/seen.py, left out),
    then its Article. `render_failed`: the page is its plain HTML, read after its render failed (why): its Article
    says so, and a page that gives no body then is dropped and counted (newscrawl/dropped/render_failed)."""
    fetched_at = utc_now()
    emitted = seen_for(crawler).ids("EditorialTeaser")
    if repeats := sum(article_id in emitted for article_id in reading.teaser_ids):
        crawler.stats.inc_value(TEASERS_ALREADY_EMITTED, repeats)
    # a page's teasers go before its Article, on purpose: the strip-sidebar pipeline learns the sidebar's
    # text from them before it cleans the Article's body (tests/test_article_items.py checks this order)
    for teaser in reading.teasers:
        if teaser["article_id"] not in emitted:
            yield EditorialTeaser(**teaser, first_seen_on=url, fetched_at=fetched_at)
    fields = reading.fields
    for kind, blocks in reading.left_out.items():  # blocks that are no article text: navigation lines
        crawler.stats.inc_value(f"{LEFT_OUT_ARTICLES}/{kind}")
        crawler.stats.inc_value(f"{LEFT_OUT_BLOCKS}/{kind}", blocks)
    if render_failed is not None and not fields.get("body"):
        crawler.stats.inc_value(RENDER_FAILED_STAT)
        logger.warning("Dropped %s: its render failed (%s) and its plain HTML has no body [render_failed]", url,
                       render_failed)
        return
    # every Article counted by extractor and by how its story box was proven: the drift alarms watch the share
    # of generic bodies and of pages without a proven story box (newscrawl.monitoring.drift)
    crawler.stats.inc_value(f"{EXTRACTOR}/{fields['extractor']}")
    if (proof := reading.story_proof) is None:
        crawler.stats.inc_value(STORY_NOT_FOUND)
        logger.warning("Story box not found in %s: fields from the page's metadata", url)
    else:
        crawler.stats.inc_value(f"{STORY_PROVEN}/{proof}")
    if fields["extractor"] == "amp":  # only an AMP copy came back for this article (newscrawl/urls.py request_url)
        logger.warning("Read %s from its AMP copy: the canonical page was not what came back", url)
    elif fields["extractor"] != "dawn":
        logger.warning("No Dawn story body in %s: body taken by the %s extractor", url, fields["extractor"])
    yield Article(**fields, fetched_at=fetched_at, render_failed=render_failed)


def sidebar_links(reading) -> list[ArticleLink]:
    """The stories of the page's sidebar not yet emitted this crawl, as links dated by their teasers: the ledger's
    "sidebar" source (docs/STATE.md); the spider follows them."""
    return [ArticleLink(teaser["article_id"], teaser["url"], _date(teaser.get("date"))) for teaser in reading.teasers]


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def count_parser_error(crawler, request, error_type: str, error: str, details=None) -> None:
    """A parser that raised: the page's items and links are dropped together, counted under
    newscrawl/dropped/parser_error (newscrawl-cron counts them as errors), told to the ledger and logged with the
    URL. `details` is the exception, or the traceback text a worker process sent."""
    crawler.stats.inc_value(PARSER_ERROR_STAT)
    crawler.stats.inc_value(f"{PARSER_ERRORS}/{error_type}")
    error = error[:300]  # a hostile page can make a message of any length
    outcomes.announce_page(crawler, request, outcomes.DROPPED, "parser_error", error)
    url = request.url
    if isinstance(details, BaseException):
        logger.error("Dropped %s: its parser raised %s [parser_error]", url, error, exc_info=details)
    else:
        logger.error("Dropped %s: its parser raised %s [parser_error]\n%s", url, error, details or "")


def count_skipped_entries(crawler, skipped) -> None:
    """Entries of a page left out (a bad link, a sidebar box without an article): newscrawl/skipped_entries/*."""
    for reason, count in skipped.items():
        crawler.stats.inc_value(f"{SKIPPED_ENTRIES}/{reason}", count)
