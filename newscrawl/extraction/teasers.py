"""Editorial teasers: the Opinion/Editorial sidebar of article pages, and editorial listing pages.

A teaser is a `story` box (title, time, excerpt) under a heading that reads "Editorial". The sidebar's raw
markup was never seen (DAWN_MARKUP.md: reported); it is expected to reuse the listing vocabulary, which was.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from parsel import Selector

from ..urls import canonical_article_url
from .boxes import read_story_box
from .discovery import read_each
from .html import elements_with_class, is_story_element, owned_by
from .text import clean, date_of

SIDEBAR_SECTIONS = ("Editorial",)
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
EDITORIAL_LISTING_PATH = "/newspaper/editorial"


def teaser_fields(story, section: str, page_url: str) -> dict | None:
    """Teaser fields from one `story` box, or None when it has no article link."""
    box = read_story_box(story, page_url)
    if box is None:
        return None
    return {
        "url": canonical_article_url(box.article_id),
        "article_id": box.article_id,
        "title": box.title,
        "excerpt": box.excerpt,
        "date": date_of(box.time.stamp, box.time.calendar),
        "updated": box.time.updated,
        "section": section,
    }


def _first_per_id(teasers: list[dict]) -> list[dict]:
    """The first teaser of each article, in page order (a page can show one twice)."""
    first: dict[int, dict] = {}
    for teaser in teasers:
        first.setdefault(teaser["article_id"], teaser)
    return list(first.values())


def sidebar_teasers(selector: Selector, page_url: str, skipped: Counter | None = None) -> list[dict]:
    """Teasers of the Opinion/Editorial sidebar of an article page, in page order. A box that cannot be read
    is counted in `skipped` and left out."""
    teasers: list[dict] = []
    for heading in _section_headings(selector.root):
        section = clean(heading.text_content())
        container = next((a for a in heading.iterancestors() if _stories_in(a)), None)
        if container is None:
            continue
        teasers += read_each(_stories_in(container), lambda story: teaser_fields(story, section, page_url), skipped)
    return _first_per_id(teasers)


def listing_teasers(selector: Selector, page_url: str, skipped: Counter | None = None) -> list[dict]:
    """On an editorial listing page (/newspaper/editorial[/date]), each story of the main column is a teaser."""
    if not urlsplit(page_url).path.rstrip("/").startswith(EDITORIAL_LISTING_PATH):
        return []
    stories = [story for story in selector.root.iter("article")
               if is_story_element(story) and not any(a.tag == "aside" for a in story.iterancestors())]
    return _first_per_id(list(read_each(stories, lambda story: teaser_fields(story, "Editorial", page_url), skipped)))


def _section_headings(root) -> list:
    """Headings whose whole text is a sidebar section name ("Editorial"), outside any story box.

    Headings are h1-h6 or badge/title-like elements; a byline link reading "Editorial" is not one.
    """
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str) or not _is_heading(el):
            continue
        if clean(el.text_content()) in SIDEBAR_SECTIONS and _outside_stories(el):
            found.append(el)
    return found


def _outside_stories(element) -> bool:
    """Not part of a story box; a sidebar widget nested inside the story container counts as outside it."""
    story = next((a for a in element.iterancestors() if is_story_element(a)), None)
    return story is None or not owned_by(element, story)


def _is_heading(element) -> bool:
    if element.tag in HEADING_TAGS:
        return True
    tokens = (element.get("class") or "").split()
    return element.tag in ("div", "span") and any(t == "badge" or t.endswith("__title") for t in tokens)


def _is_teaser_box(element) -> bool:
    return bool(elements_with_class(element, "story__title")) and not elements_with_class(element, "story__content")


def _stories_in(container) -> list:
    """The teaser boxes in a container: `story` boxes with a title and no article body of their own."""
    return [el for el in container.iter() if is_story_element(el) and el is not container and _is_teaser_box(el)]
