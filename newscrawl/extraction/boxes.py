"""Reading one `story` box: the seen listing markup that sidebars reuse (DAWN_MARKUP.md, "Listing pages").

    <article class='story ...'> figure.media, h2.story__title > a.story__link, div.story__excerpt,
      span.story__time > span.timestamp--label ("Published"/"Updated"),
                         span.timestamp--time[title=ISO] > span.timestamp__calendar ("19 Jun, 2025")

Listings (discovery), the editorial sidebar and editorial listings (teasers) and the article header (times) all
read these blocks; this module is the one place that knows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..urls import BadUrl, absolute_url, checked_article_id
from .html import elements_with_class, text_of
from .text import iso_datetime


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


def time_of(element) -> StoryTime:
    """The label and timestamp of the `timestamp--*` blocks in an element (a `story__time`, or a whole box)."""
    label = " ".join(text_of(el) for el in elements_with_class(element, "timestamp--label")).lower()
    stamps = [s for el in elements_with_class(element, "timestamp--time") if (s := iso_datetime(el.get("title")))]
    calendars = elements_with_class(element, "timestamp__calendar")
    return StoryTime("updated" in label, stamps[0] if stamps else None,
                     text_of(calendars[0]) if calendars else None)


def _title_link_id(hrefs: list[str], page_url: str) -> int | None:
    """The article id of the first title link naming one; BadUrl when none does and one could not be read."""
    bad = None
    for href in hrefs:
        try:
            if (url := absolute_url(page_url, href)) is None:
                raise BadUrl("bad_url", href)
            if (article_id := checked_article_id(url)) is not None:
                return article_id
        except BadUrl as exc:
            bad = bad or exc
    if bad is not None:
        raise bad
    return None


def read_story_box(story, page_url: str) -> StoryBox | None:
    """A story box's article, title, excerpt and time; None when its title links to no www.dawn.com article.
    Raises BadUrl when its only article links are malformed or out of range."""
    titles = elements_with_class(story, "story__title")
    hrefs = [a.get("href") for title in titles for a in title.iter("a") if a.get("href")]
    if (article_id := _title_link_id(hrefs, page_url)) is None:
        return None
    excerpts = elements_with_class(story, "story__excerpt")
    return StoryBox(article_id, text_of(titles[0]) or None, text_of(excerpts[0]) if excerpts else None,
                    time_of(story))
