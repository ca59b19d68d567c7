"""What a box is, what a sidebar is, and which box an element belongs to: the tests the story locator and the
page object share. Pure functions on lxml elements; each runs on many elements of a page, so the cheap test (a
substring of the class string) comes first and the exact one (its tokens) only when that passes.
"""

from __future__ import annotations

from newscrawl.extraction.html import has_class

ARTICLE_ITEM_TYPES = ("NewsArticle", "Article", "ReportageNewsArticle", "OpinionNewsArticle", "BlogPosting")
# Never the page's story, nor part of its main column: sidebars, widgets, navigation.
SIDEBAR_TAGS = frozenset({"aside", "nav", "footer"})


def is_sidebar(element) -> bool:
    if element.tag in SIDEBAR_TAGS:
        return True
    classes = element.get("class")  # a cheap test first: most elements name no widget nor sidebar
    return bool(classes) and ("widget" in classes or "sidebar" in classes) and any(
        t.startswith("widget") or "sidebar" in t for t in classes.split())


def is_box(element) -> bool:
    """A story-like box: Dawn's `story` block, an `<article>`, a schema.org article item."""
    if element.tag == "article" or has_class(element, "story"):
        return True
    itemtype = element.get("itemtype")
    return bool(itemtype) and isinstance(element.tag, str) and any(
        itemtype.rstrip("/").endswith("/" + t) for t in ARTICLE_ITEM_TYPES)


def is_strong_body(element) -> bool:
    """A body container whose name no other block uses: Dawn's `story__content`, schema.org's `articleBody`."""
    return has_class(element, "story__content") or "articleBody" in (element.get("itemprop") or "").split()


def owned_by(element, box) -> bool:
    """True when no other box, sidebar or widget sits between `element` and `box`."""
    node = element.getparent()
    while node is not None and node is not box:
        if is_box(node) or is_sidebar(node):
            return False
        node = node.getparent()
    return node is box


def story_of(element):
    """The nearest Dawn `story` box around an element, or None (the layout signature asks it)."""
    return next((a for a in element.iterancestors() if has_class(a, "story")), None)
