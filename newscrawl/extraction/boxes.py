"""Reading one `story` box: the seen listing markup that sidebars reuse (DAWN_MARKUP.md, "Listing pages").

    <article class='story ...'> figure.media, h2.story__title > a.story__link, div.story__excerpt,
      span.story__time > span.timestamp--label ("Published"/"Updated"),
                         span.timestamp--time[title=ISO] > span.timestamp__calendar ("19 Jun, 2025")

Listings (discovery), the editorial sidebar and editorial listings (teasers) and the article header (times) all
read these blocks; this module is the one place that knows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from newscrawl.urls import BadUrl, absolute_url, checked_article_id
from newscrawl.extraction.html import class_tokens, compiled_xpath, text_of
from newscrawl.extraction.text import iso_datetime


@dataclass(frozen=True)
class StoryTime:
    updated: bool  # the label says "Updated" (else "Published", or no label)
    stamp: str | None  # ISO 8601 from timestamp--time[title], when it is one
    calendar: str | None  # the shown date, "19 Jun, 2025"


@dataclass(frozen=True)
class StoryBox:
    article_id: int  # from the title link's href: a box's data-id can disagree with it (the slideshow trap)
    title: str | None
    excerpt: str | None
    time: StoryTime


# The blocks a story box is read from. One libxml2 walk of a box finds them all (the cheap `contains`
# pre-filter); the token-exact test then sorts them in Python.
BOX_BLOCKS = ("story__title", "story__excerpt", "timestamp--label", "timestamp--time", "timestamp__calendar",
              "story__content")  # a body: the box is a story of its own, not a teaser
_BOX_BLOCK_CANDIDATES = compiled_xpath("descendant::*/@class[contains(., 'story__') or contains(., 'timestamp')]/..")
assert all(token.startswith(("story__", "timestamp")) for token in BOX_BLOCKS)


def blocks_of(element) -> dict[str, list]:
    """The descendants of `element` of each BOX_BLOCKS class, in document order."""
    found: dict[str, list] = {token: [] for token in BOX_BLOCKS}
    for el in _BOX_BLOCK_CANDIDATES(element):
        for token in class_tokens(el).intersection(found):
            found[token].append(el)
    return found


def time_of(element, blocks: dict[str, list] | None = None) -> StoryTime:
    """The label and timestamp of the `timestamp--*` blocks in an element (a `story__time`, or a whole box)."""
    blocks = blocks if blocks is not None else blocks_of(element)
    label = " ".join(text_of(el) for el in blocks["timestamp--label"]).lower()
    stamps = [s for el in blocks["timestamp--time"] if (s := iso_datetime(el.get("title")))]
    calendars = blocks["timestamp__calendar"]
    return StoryTime("updated" in label, stamps[0] if stamps else None,
                     text_of(calendars[0]) if calendars else None)


def box_article_id(blocks: dict[str, list], page_url: str) -> int | None:
    """The article a box's title links to (its blocks from `blocks_of`); None when no www.dawn.com article.
    Raises BadUrl when its only article links are malformed or out of range (the caller counts it)."""
    hrefs = [a.get("href") for title in blocks["story__title"] for a in title.iter("a") if a.get("href")]
    bad = None
    for href in hrefs:
        try:
            # an absolute link (the usual case) needs no joining
            url = href if href.startswith(("https://", "http://")) else absolute_url(page_url, href)
            if url is None:
                raise BadUrl("bad_url", href)
            if (article_id := checked_article_id(url)) is not None:
                return article_id
        except BadUrl as exc:
            bad = bad or exc
    if bad is not None:
        raise bad
    return None


def read_story_box(story, page_url: str, blocks: dict[str, list] | None = None,
                   article_id: int | None = None) -> StoryBox | None:
    """A story box's article (`article_id` when the caller has read it), title, excerpt and time; None when its
    title links to no www.dawn.com article."""
    blocks = blocks if blocks is not None else blocks_of(story)
    article_id = article_id if article_id is not None else box_article_id(blocks, page_url)
    if article_id is None:
        return None
    titles, excerpts = blocks["story__title"], blocks["story__excerpt"]
    return StoryBox(article_id, text_of(titles[0]) or None, text_of(excerpts[0]) if excerpts else None,
                    time_of(story, blocks))
