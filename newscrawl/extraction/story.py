"""Which part of an article page is its own story: the story box, proven, or nothing.

A page holds many story-like boxes: the story, the Opinion/Editorial widget's teasers, "Top Reads" and rails of
other stories, related boxes. A redesign can rename the blocks or move a widget before the story, so "the first
box" or "the longest" can be a neighbour, and every field read from a neighbour is another article's value. The
locator therefore PROVES the box, most certain proof first, and returns None rather than a guess:

1. `id`: the box names the page's article (canonical link, og:url, request URL) by the link of its headline (of
   its first heading when it has no headline, or of its picture), else by its `data-id`/`id`. The link is asked
   first because a `data-id` can disagree with the href it wraps (seen on the live listing). A box that names
   another article is never the story. Of several boxes naming the page's article (a "Top Reads" box of the same
   story), the one with a body container, else the most paragraph text.
2. `headline`: a box naming no article whose own headline is the page's (og:title, twitter:title, JSON-LD
   headline, `<title>`), compared word by word.
3. `position`: the one innermost box left that names no article, when it holds a body container or most of the
   main column's paragraph text (a lone promo or comments box is not the story).

Boxes are Dawn's `story` blocks, `<article>` elements and schema.org `*Article` items; none inside a sidebar
(`aside`, `widget*`, `*sidebar*`, `nav`, `footer`) or a box of another article is a candidate. With no proven story
the fields come from the page's metadata and the body from the generic extractor given the main column only.
"""

from __future__ import annotations

import copy
import re
from functools import cached_property

from lxml import etree
from parsel import Selector

from newscrawl.urls import absolute_url, article_id_from_url
from newscrawl.extraction.html import drop, elements_with_class, page_index, text_of
from newscrawl.extraction.metadata import PageMetadata
from newscrawl.extraction.ownership import is_box, is_sidebar, owned_by
from newscrawl.extraction.vocabulary import (body_containers, headline_elements, in_body, is_body_container, is_header_element, own_elements,
                         vocabulary_elements)

_WORDS = re.compile(r"\w+", re.UNICODE)


def words(text: str | None) -> tuple[str, ...]:
    """A headline as its words, case and punctuation aside (curly and straight quotes are alike)."""
    return tuple(_WORDS.findall((text or "").casefold()))


class StoryLocator:
    """The page's own story box (`story`), how it was proven (`proof`), its body container (`content`)."""

    def __init__(self, selector: Selector, metadata: PageMetadata):
        self.sel = selector
        self.metadata = metadata
        self.article_id = metadata.article_id
        self._named: dict = {}  # box -> the article id it names (named_id), read once
        self._in_sidebar: dict = {}  # element -> whether it is, or is inside, a sidebar (in_sidebar)

    # ---- which boxes name which article ----------------------------------------------------------
    def named_id(self, box) -> int | None:
        """The article a box names: its headline's link (its first heading's when it has no headline, then its first
        picture's, then a link around the box), else its data-id/id; None if it names none."""
        if box not in self._named:
            self._named[box] = self._read_named_id(box)
        return self._named[box]

    @cached_property
    def _story_titles(self) -> dict:
        """box -> its own `story__title`s (owned, outside its body), in page order: for all boxes at once."""
        boxes = set(self._all_boxes)
        titles: dict = {}
        for title in page_index(self.sel.root).with_class("story__title"):
            node = title.getparent()
            while node is not None and node not in boxes and not (is_box(node) or is_sidebar(node)
                                                                   or is_body_container(node)):
                node = node.getparent()
            if node in boxes:
                titles.setdefault(node, []).append(title)
        return titles

    def _read_named_id(self, box) -> int | None:
        # Dawn's own headline, `story__title`, ranks first among a box's headlines: when one of its links names an
        # article, that is the answer of the whole search below, found without walking the box
        for link in (a for title in self._story_titles.get(box, ()) for a in title.iter("a")):
            if (found := article_id_from_url(absolute_url(self.metadata.url, link.get("href")))) is not None:
                return found
        headings = (headline_elements(box, owned_by)
                    or own_elements(box, owned_by, lambda el: True, ".//h2 | .//h3 | .//h4")[:1])
        links = [a for el in headings for a in el.iter("a")]
        # the picture heading the box (a teaser links it), never one among its paragraphs
        lead = next((el for el in box.iter("figure", "p") if owned_by(el, box)), None)  # before any paragraph
        links += list(lead.iter("a")) if lead is not None and lead.tag == "figure" else []
        links += list(box.iterancestors("a"))[:1]  # a card that is one link as a whole
        for link in links:
            if (found := article_id_from_url(absolute_url(self.metadata.url, link.get("href")))) is not None:
                return found
        for attribute in ("data-id", "id"):
            if (value := (box.get(attribute) or "").strip()).isdigit():
                return int(value)
        return None

    def is_foreign(self, box) -> bool:
        return (named := self.named_id(box)) is not None and named != self.article_id

    @cached_property
    def _all_boxes(self) -> list:
        """Every box on the page, in page order (the page walk finds them; the exact test here); and the parent of
        a `story__content` or `itemprop=articleBody` that sits in no box (a layout that dropped the box)."""
        root = self.sel.root
        index = page_index(root)
        stories = set(index.with_class("story"))  # the same list the sidebar reads
        # is_box, knowing which are `story` blocks: else an <article>, else a schema.org article item
        boxes = [el for el in index.elements if el in stories or el.tag == "article" or (el.get("itemtype")
                                                                                          and is_box(el))]
        bodies = index.with_class("story__content") + [el for el in index.elements if el.get("itemprop")
                                                       and "articleBody" in el.get("itemprop").split()]
        orphans = {el.getparent() for el in bodies if el.getparent() is not None
                   and not any(is_box(a) for a in el.iterancestors())}
        if not orphans:
            return boxes
        return [el for el in root.iter() if el in orphans or el in set(boxes)]  # page order

    @cached_property
    def _boxes(self) -> list:
        """Every box on the page outside sidebars, in page order."""
        return [el for el in self._all_boxes if not self.in_sidebar(el)]

    def in_sidebar(self, element) -> bool:
        """The element is, or is inside, a sidebar (each element tested once: boxes share their ancestors)."""
        chain, node = [], element
        while node is not None and node not in self._in_sidebar:
            chain.append(node)
            node = node.getparent()
        inside = self._in_sidebar[node] if node is not None else False
        for node in reversed(chain):  # from the outermost down
            inside = self._in_sidebar[node] = inside or is_sidebar(node)
        return self._in_sidebar[element]

    @cached_property
    def foreign_boxes(self) -> list:
        """Boxes of other articles (teasers, rails, related boxes) anywhere on the page."""
        return [el for el in self._all_boxes if self.is_foreign(el)]

    @cached_property
    def candidates(self) -> list:
        """Boxes that may be the story: outside sidebars, naming no other article, inside no foreign box."""
        inside = set(self._boxes)
        return [box for box in self._boxes if not self.is_foreign(box)
                and not any(a in inside and self.is_foreign(a) for a in box.iterancestors())]

    # ---- the proof -------------------------------------------------------------------------------
    @cached_property
    def _proven(self) -> tuple:
        """(story box, proof) or (None, None)."""
        named = [box for box in self.candidates if self.named_id(box) == self.article_id]
        if named and self.article_id is not None:
            if len(named) == 1:
                return named[0], "id"
            return max(named, key=lambda box: (self._container_in(box) is not None, self._paragraph_text(box))), "id"
        anonymous = [box for box in self.candidates if self.named_id(box) is None]
        titles = {words(t) for t in self.metadata.page_titles()} - {()}
        by_headline = [box for box in anonymous if words(self.headline_text(box)) in titles]
        if by_headline:
            return by_headline[0], "headline"
        innermost = [box for box in anonymous if not any(box in b.iterancestors() for b in anonymous)]
        if len(innermost) == 1 and (self._container_in(innermost[0]) is not None
                                    or 2 * self._paragraph_text(innermost[0]) > self._main_column_paragraph_text):
            return innermost[0], "position"
        return None, None

    def _paragraph_text(self, box) -> int:
        """Characters of the paragraphs a box owns."""
        return sum(len(text_of(p)) for p in box.iter("p") if owned_by(p, box))

    @cached_property
    def _main_column_paragraph_text(self) -> int:
        return sum(len(text_of(p)) for p in self.sel.root.iter("p") if self.in_main_column(p))

    @property
    def story(self):
        return self._proven[0]

    @property
    def proof(self) -> str | None:
        """How the story box was proven: "id", "headline", "position"; None when no box was."""
        return self._proven[1] if self.story is not None else None

    def headline_text(self, box) -> str:
        return next((text for el in headline_elements(box, owned_by) if (text := text_of(el))), "")

    # ---- inside the story ------------------------------------------------------------------------
    def _container_in(self, box):
        return next(iter(body_containers(box, owned_by)), None)

    @cached_property
    def content(self):
        """The body container of the proven story: a named one (`story__content`, `itemprop=articleBody`, a BEM
        `*__content`/`*__body`), else the smallest element holding all the story's own paragraphs; None."""
        if self.story is None:
            return None
        if (named := self._container_in(self.story)) is not None:
            return named
        paragraphs = [p for p in self.story.iter("p") if owned_by(p, self.story)
                      and not any(is_header_element(a) or a.tag in ("figure", "header") for a in p.iterancestors())]
        if not paragraphs:
            return None
        common = paragraphs[0].getparent()
        while common is not self.story and not all(common in p.iterancestors() for p in paragraphs):
            common = common.getparent()
        return common

    @cached_property
    def header(self) -> frozenset:
        """The story's own headline, byline and time elements: never body text, even in a body-less layout."""
        if self.story is None:
            return frozenset()
        found = [*vocabulary_elements(self.story), *self.story.iter("header")]
        return frozenset(el for el in found if el is not self.story and not in_body(el, self.story)
                         and (el.tag == "header" or is_header_element(el)) and owned_by(el, self.story))

    def outside_body(self, elements) -> list:
        """Those of `elements` that belong to the story itself and sit outside its body container."""
        content = self.content
        return [el for el in elements if self.story is not None and owned_by(el, self.story)
                and (content is None or (el is not content and content not in el.iterancestors()))]

    def header_elements(self, token: str) -> list:
        """Elements of class `token` that belong to the story itself, outside its body."""
        return self.outside_body(elements_with_class(self.story, token)) if self.story is not None else []

    # ---- the main column, for the generic extractor ----------------------------------------------
    @cached_property
    def _foreign_set(self) -> frozenset:
        return frozenset(self.foreign_boxes)

    def in_main_column(self, element) -> bool:
        """Not in a sidebar, widget or navigation, nor in a box of another article."""
        return not self.in_sidebar(element) and not any(a in self._foreign_set
                                                        for a in [element, *element.iterancestors()])

    def main_column_html(self) -> str:
        """The page without its sidebars, widgets, navigation, forms and boxes of other articles (a copy: the
        page object keeps reading the original)."""
        root = copy.deepcopy(self.sel.root)
        # the same elements in the copy, walked beside the original (getpath per element: 7 minutes for 110,000 <p>)
        foreign = self._foreign_set
        doomed = [el for original, el in zip(self.sel.root.iter(), root.iter()) if isinstance(el.tag, str)
                  and (is_sidebar(el) or el.tag in ("form", "header") or original in foreign)]
        for el in doomed:
            drop(el)
        return etree.tostring(root, encoding="unicode", method="html")

