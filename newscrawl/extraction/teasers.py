"""Editorial teasers: the Opinion/Editorial sidebar of article pages, and editorial listing pages.

A teaser is a `story` box (title, time, excerpt) under a heading that reads "Editorial". The sidebar's raw
markup was never seen (DAWN_MARKUP.md: reported); it is expected to reuse the listing vocabulary, which was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from parsel import Selector

from newscrawl.urls import canonical_article_url
from newscrawl.extraction.boxes import blocks_of, box_article_id, read_story_box
from newscrawl.extraction.discovery import read_each
from newscrawl.extraction.html import compiled_xpath, elements_with_class, is_story_element, owned_by
from newscrawl.extraction.text import clean, date_of

SIDEBAR_SECTIONS = ("Editorial",)
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
EDITORIAL_LISTING_PATH = "/newspaper/editorial"


def teaser_fields(story, section: str, page_url: str, blocks: dict[str, list] | None = None,
                  article_id: int | None = None) -> dict | None:
    """Teaser fields from one `story` box, or None when it has no article link."""
    box = read_story_box(story, page_url, blocks, article_id)
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


@dataclass(frozen=True)
class SidebarBox:
    section: str  # the heading it sits under, "Editorial"
    story: object  # the `story` box element
    blocks: dict  # its blocks (boxes.blocks_of)
    article_id: int


class EditorialSidebar:
    """The Opinion/Editorial sidebar of one article page: its boxes and their article ids found once, a box's
    other fields read only when its teaser is asked for (the spider skips teasers already emitted in the crawl).
    A box that cannot be read is left out and counted in `skipped` (newscrawl/skipped_entries/<reason>)."""

    def __init__(self, selector: Selector, page_url: str, skipped: Counter | None = None):
        self.root = selector.root
        self.page_url = page_url
        self.skipped = skipped

    @cached_property
    def boxes(self) -> list[SidebarBox]:
        """The first box of each article, in page order (a page can show one twice)."""
        found: dict[int, SidebarBox] = {}
        for heading in _section_headings(self.root):
            section = clean(heading.text_content())
            boxes = read_each(_teaser_boxes_near(heading), lambda box: self._box(section, *box), self.skipped)
            for box in boxes:
                found.setdefault(box.article_id, box)
        return list(found.values())

    def _box(self, section: str, story, blocks: dict) -> SidebarBox | None:
        article_id = box_article_id(blocks, self.page_url)
        return SidebarBox(section, story, blocks, article_id) if article_id is not None else None

    def article_ids(self) -> list[int]:
        return [box.article_id for box in self.boxes]

    def teasers(self, skip_ids: Container[int] = ()) -> list[dict]:
        """Teaser fields of each box, in page order, but those of the articles in `skip_ids`."""
        boxes = [box for box in self.boxes if box.article_id not in skip_ids]
        return list(read_each(boxes, lambda box: teaser_fields(box.story, box.section, self.page_url, box.blocks,
                                                              box.article_id),
                              self.skipped))


def sidebar_teasers(selector: Selector, page_url: str, skipped: Counter | None = None) -> list[dict]:
    """Teasers of the Opinion/Editorial sidebar of an article page, in page order."""
    return EditorialSidebar(selector, page_url, skipped).teasers()


def listing_teasers(selector: Selector, page_url: str, skipped: Counter | None = None) -> list[dict]:
    """On an editorial listing page (/newspaper/editorial[/date]), each story of the main column is a teaser."""
    if not urlsplit(page_url).path.rstrip("/").startswith(EDITORIAL_LISTING_PATH):
        return []
    stories = [story for story in selector.root.iter("article")
               if is_story_element(story) and not any(a.tag == "aside" for a in story.iterancestors())]
    return _first_per_id(list(read_each(stories, lambda story: teaser_fields(story, "Editorial", page_url), skipped)))


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
    if element.tag not in ("div", "span"):
        return False
    classes = element.get("class")  # a cheap test first: most elements are neither
    return bool(classes) and ("badge" in classes or "__title" in classes) and any(
        t == "badge" or t.endswith("__title") for t in classes.split())


# libxml2 does the walking; the exact tests run in Python on the few elements found.
# (the body's text only: the HTML parser puts every heading there, and the head's scripts and styles are long)
_SECTION_TEXTS = compiled_xpath("/html/body/descendant::text()["
                                + " or ".join(f"contains(., '{name}')" for name in SIDEBAR_SECTIONS) + "]")
def _teaser_boxes_near(heading) -> list[tuple]:
    """(box, its blocks) of the teaser boxes of the nearest ancestor of a heading that holds any. A teaser box is
    a `story` box with a `story__title` and no article body (`story__content`) of its own."""
    # element -> the level of the nearest ancestor of the heading holding it (0: the heading's parent); stories
    # share their ancestors, so each is looked at once
    levels: dict = {ancestor: n for n, ancestor in enumerate(heading.iterancestors())}
    by_level: dict[int, list] = {}  # level -> the story boxes there
    for story in elements_with_class(heading.getroottree().getroot(), "story"):  # the page's, found once
        chain, node = [], story.getparent()
        while node is not None and node not in levels:
            chain.append(node)
            node = node.getparent()
        level = levels[node] if node is not None else None
        levels.update(dict.fromkeys(chain, level))
        if level is not None:
            by_level.setdefault(level, []).append(story)
    for level in sorted(by_level):  # the nearest first; a box's blocks are read only when it is a candidate
        boxes = [(story, blocks) for story in by_level[level]
                 if (blocks := blocks_of(story))["story__title"] and not blocks["story__content"]]
        if boxes:
            return boxes
    return []
