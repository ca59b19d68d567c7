"""Editorial teasers: the Opinion/Editorial sidebar of article pages, and editorial listing pages.

A teaser is a `story` box (title, time, excerpt) under a heading that reads "Editorial". The sidebar's raw
markup was never seen (DAWN_MARKUP.md: reported); it is expected to reuse the listing vocabulary, which was.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from parsel import Selector

from ..urls import canonical_article_url
from .boxes import read_story_box
from .html import class_test, compiled_xpath, is_story_element, owned_by
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


def sidebar_teasers(selector: Selector, page_url: str) -> list[dict]:
    """Teasers of the Opinion/Editorial sidebar of an article page, in page order."""
    teasers: list[dict] = []
    for heading in _section_headings(selector.root):
        section = clean(heading.text_content())
        # the teaser boxes of the nearest ancestor that holds any
        boxes = next((found for ancestor in heading.iterancestors() if (found := _TEASER_BOXES(ancestor))), [])
        for story in boxes:
            if fields := teaser_fields(story, section, page_url):
                teasers.append(fields)
    return _first_per_id(teasers)


def listing_teasers(selector: Selector, page_url: str) -> list[dict]:
    """On an editorial listing page (/newspaper/editorial[/date]), each story of the main column is a teaser."""
    if not urlsplit(page_url).path.rstrip("/").startswith(EDITORIAL_LISTING_PATH):
        return []
    teasers = []
    for story in selector.root.iter("article"):
        if is_story_element(story) and not any(a.tag == "aside" for a in story.iterancestors()):
            if fields := teaser_fields(story, "Editorial", page_url):
                teasers.append(fields)
    return _first_per_id(teasers)


def _section_headings(root) -> list:
    """Headings whose whole text is a sidebar section name ("Editorial"), outside any story box.

    Headings are h1-h6 or badge/title-like elements; a byline link reading "Editorial" is not one. libxml2 finds
    the few text nodes holding a section name; only their ancestors are looked at (so a name split across two
    elements, "Edit<b>orial</b>", is not one).
    """
    headings: dict = {}  # in document order, each once
    for text in _SECTION_TEXTS(root):
        holder = text.getparent().getparent() if text.is_tail else text.getparent()
        if holder is None:
            continue
        for element in reversed([holder, *holder.iterancestors()]):
            if _is_heading(element) and clean(element.text_content()) in SIDEBAR_SECTIONS:
                headings.setdefault(element, None)
    return [heading for heading in headings if _outside_stories(heading)]


def _outside_stories(element) -> bool:
    """Not part of a story box; a sidebar widget nested inside the story container counts as outside it."""
    story = next((a for a in element.iterancestors() if is_story_element(a)), None)
    return story is None or not owned_by(element, story)


def _is_heading(element) -> bool:
    if element.tag in HEADING_TAGS:
        return True
    tokens = (element.get("class") or "").split()
    return element.tag in ("div", "span") and any(t == "badge" or t.endswith("__title") for t in tokens)


# libxml2 does the walking; the exact tests run in Python on the few elements found.
_SECTION_TEXTS = compiled_xpath("//text()[" + " or ".join(f"contains(., '{name}')" for name in SIDEBAR_SECTIONS) + "]")
# A teaser box: a `story` box with a `story__title` and no article body (`story__content`) of its own.
_IS_TEASER_BOX = (f"{class_test('story')} and descendant::*[{class_test('story__title')}]"
                  f" and not(descendant::*[{class_test('story__content')}])")
_TEASER_BOXES = compiled_xpath(f"descendant::*[{_IS_TEASER_BOX}]")
