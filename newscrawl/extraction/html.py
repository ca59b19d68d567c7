"""lxml-level helpers shared by the page objects: class tokens, text, and which story owns an element.

Dawn's class strings carry many Tailwind utilities with runs of spaces, so classes are always compared
token by token (`story` is a token of `story relative  box`, `story__title` is not `story`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from weakref import WeakKeyDictionary

from lxml import etree

from newscrawl.extraction.text import clean

# Elements whose text is never reader-visible prose.
INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template"})


def class_tokens(element) -> frozenset[str]:
    return tokens_of(element.get("class") or "")


@lru_cache(maxsize=8192)
def tokens_of(classes: str) -> frozenset[str]:
    """The tokens of a class string. Pages repeat the same few hundred class strings (one template), so each
    is split once per process (the cache holds strings only, never a page)."""
    return frozenset(classes.split())


def has_class(element, token: str) -> bool:
    classes = element.get("class")
    # the substring test first: it rejects almost every element without splitting its (long) class string
    return classes is not None and token in classes and token in classes.split()


def is_story_element(element) -> bool:
    """An `article.story` box (or another element carrying the `story` block): a story of its own."""
    return has_class(element, "story")


def text_of(element) -> str:
    """The visible text of an element, whitespace collapsed, scripts and styles left out.

    A walk with its own stack, not recursion: a hostile page nests elements thousands deep.
    """
    if not len(element):  # no child (a link, a time, most paragraphs): its own text is all of it
        tag = element.tag
        return clean(element.text) if isinstance(tag, str) and tag not in INVISIBLE_TAGS else ""
    parts: list[str] = []
    # (node, entering): entering adds the node's text and schedules its children; leaving adds what follows it
    stack: list[tuple[object, bool]] = [(element, True)]
    while stack:
        node, entering = stack.pop()
        if not entering:
            # <br> separates words even when the source has no space around it
            if node.tag == "br":
                parts.append(" ")
            if node is not element and node.tail:
                parts.append(node.tail)
            continue
        if isinstance(node.tag, str) and node.tag in INVISIBLE_TAGS:
            if node is not element and node.tail:
                parts.append(node.tail)
            continue
        if isinstance(node.tag, str) and node.text:
            parts.append(node.text)
        stack.append((node, False))
        stack.extend((child, True) for child in reversed(node))
    return clean("".join(parts))


def ancestors_until(element, stop) -> Iterator:
    """The ancestors of `element`, nearest first, up to (not including) `stop`."""
    node = element.getparent()
    while node is not None and node is not stop:
        yield node
        node = node.getparent()


def owned_by(element, story) -> bool:
    """True when no other story box or sidebar widget sits between `element` and `story`.

    Sidebars and "related" boxes reuse `story__title`/`story__byline`; an element inside one of them
    belongs to that box, not to the page's story, even when the box is nested in the story container.
    """
    for node in ancestors_until(element, story):
        if node.tag == "aside":
            return False
        classes = node.get("class")
        if classes and ("story" in classes or "widget" in classes):  # a cheap test first, then the exact one
            tokens = classes.split()
            if "story" in tokens or any(token.startswith("widget") for token in tokens):
                return False
    return True


_CLASS_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


@lru_cache(maxsize=None)
def compiled_xpath(expression: str) -> etree.XPath:
    """An XPath compiled once per process (they are few and constant), then run by libxml2 on any element."""
    return etree.XPath(expression)


# The blocks searched for across a whole page, all found by ONE libxml2 walk: the `story` boxes and every block
# whose name says story (`story__content`, `story__title`, `story__byline`...), the Editorial sidebar widget and
# live blogs (the render decision), `<article>`s, schema.org items and `articleBody`s (the story locator). A walk
# costs about as much as one test on every element, and each `contains` on a class string costs a copy of it: so
# one walk with three tests; the token-exact tests then run in Python on the few elements found.
PAGE_INDEX_SUBSTRINGS = ("story", "widget--editorial", "live-updates")
_PAGE_WALK = compiled_xpath(
    "//article | //@itemtype/.. | //@itemprop[contains(., 'articleBody')]/.. | //@class["
    + " or ".join(f"contains(., '{text}')" for text in PAGE_INDEX_SUBSTRINGS) + "]/..")
_page_indexes: WeakKeyDictionary = WeakKeyDictionary()  # page root -> PageIndex, while the page lives


class PageIndex:
    """The elements of one page found by the page walk (in document order), and their class tokens."""

    def __init__(self, root):
        self.elements = _PAGE_WALK(root)
        self._classes = [(el, el.get("class") or "") for el in self.elements]
        self._with_class: dict[str, list] = {}

    def with_class(self, token: str) -> list:
        if token not in self._with_class:  # as has_class, inline: it runs on every element found
            self._with_class[token] = [el for el, classes in self._classes
                                       if token in classes and token in tokens_of(classes)]
        return self._with_class[token]


def page_index(element) -> PageIndex:
    """The index of the page `element` is part of (built on first use)."""
    root = element.getroottree().getroot()
    index = _page_indexes.get(root)
    if index is None:
        index = _page_indexes[root] = PageIndex(root)
    return index


def indexed(token: str) -> bool:
    """The page walk finds every element of this class."""
    return any(text in token for text in PAGE_INDEX_SUBSTRINGS)


def is_inside(element, ancestor) -> bool:
    node = element.getparent()
    while node is not None and node is not ancestor:
        node = node.getparent()
    return node is not None


def elements_with_class(root, token: str) -> list:
    """Descendants of `root` whose class list contains `token`, in document order. A class the page walk finds
    is looked up in the page's index (then kept to `root`'s descendants); another one, libxml2 walks `root` for."""
    if indexed(token):
        found = page_index(root).with_class(token)
        if root.getparent() is None:
            return list(found)
        return [el for el in found if is_inside(el, root)]
    if not _CLASS_TOKEN.fullmatch(token):  # it goes into an XPath string
        raise ValueError(f"not a class token: {token!r}")
    candidates = compiled_xpath(f"descendant::*/@class[contains(., '{token}')]/..")(root)
    return [el for el in candidates if has_class(el, token)]


def drop(element) -> None:
    """Remove an element from its tree, keeping the text that follows it (lxml keeps it in the element's tail)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = xml_text((previous.tail or "") + element.tail)
        else:
            parent.text = xml_text((parent.text or "") + element.tail)
    parent.remove(element)


# lxml's HTML parser keeps control characters in the text it reads, but refuses them in text set on an element
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text that lxml accepts back (a control character removed; pipelines/sanitize_text.py would remove it too)."""
    return _NOT_XML.sub("", text) if not text.isprintable() else text
