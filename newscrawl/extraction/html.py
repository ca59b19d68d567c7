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

from .text import clean

# Elements whose text is never reader-visible prose.
INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template"})


def class_tokens(element) -> set[str]:
    return set((element.get("class") or "").split())


def has_class(element, token: str) -> bool:
    return token in class_tokens(element)


def is_story_element(element) -> bool:
    """An `article.story` box (or another element carrying the `story` block): a story of its own."""
    return has_class(element, "story")


def text_of(element) -> str:
    """The visible text of an element, whitespace collapsed, scripts and styles left out.

    A walk with its own stack, not recursion: a hostile page nests elements thousands deep.
    """
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
        tokens = class_tokens(node)
        if "story" in tokens or any(token.startswith("widget") for token in tokens) or node.tag == "aside":
            return False
    return True


_CLASS_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def class_test(token: str, attribute: str = "@class") -> str:
    """An XPath predicate: the class list (`attribute`: `@class` from an element, `.` from the attribute itself)
    holds `token`, token-exactly (as `has_class`). The cheap `contains` runs first, so the exact test only runs
    on the few elements that pass it."""
    if not _CLASS_TOKEN.fullmatch(token):
        raise ValueError(f"not a class token: {token!r}")
    return (f"contains({attribute}, '{token}')"
            f" and contains(concat(' ', normalize-space({attribute}), ' '), ' {token} ')")


@lru_cache(maxsize=None)
def compiled_xpath(expression: str) -> etree.XPath:
    """An XPath compiled once per process (they are few and constant), then run by libxml2 on any element."""
    return etree.XPath(expression)


# The blocks searched for across a whole page: the story's body container (which story is the page's own),
# the Editorial sidebar widget and live blogs (the render decision). One libxml2 walk of a page collects them all;
# each whole-page search for one of them is then a lookup. (A walk costs about as much as one test on every
# element, and every element handed to Python costs a proxy: so one walk, returning only these. The test runs on
# the class attribute itself, so that libxml2 reads each class string once.)
PAGE_INDEX_TOKENS = ("story__content", "widget--editorial", "live-updates")
_PAGE_INDEX_CANDIDATES = compiled_xpath(
    "descendant::*/@class[" + " or ".join(f"contains(., '{token}')" for token in PAGE_INDEX_TOKENS) + "]/..")
_page_indexes: WeakKeyDictionary = WeakKeyDictionary()  # tree root -> {token: [elements]}, while the page lives


def _page_index(root) -> dict[str, list]:
    index = _page_indexes.get(root)
    if index is None:
        index = {token: [] for token in PAGE_INDEX_TOKENS}
        for element in _PAGE_INDEX_CANDIDATES(root):
            for token in class_tokens(element).intersection(index):
                index[token].append(element)
        _page_indexes[root] = index
    return index


def elements_with_class(root, token: str) -> list:
    """Descendants of `root` whose class list contains `token`, in document order. libxml2 walks the tree; a
    whole page (a root without parent) is walked once for all the PAGE_INDEX_TOKENS."""
    if token in PAGE_INDEX_TOKENS and root.getparent() is None:
        return list(_page_index(root)[token])
    return compiled_xpath(f"descendant::*/@class[{class_test(token, '.')}]/..")(root)


def drop(element) -> None:
    """Remove an element from its tree, keeping the text that follows it (lxml keeps it in the element's tail)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
