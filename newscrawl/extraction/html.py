"""lxml-level helpers shared by the page objects: class tokens, text, and which story owns an element.

Dawn's class strings carry many Tailwind utilities with runs of spaces, so classes are always compared
token by token (`story` is a token of `story relative  box`, `story__title` is not `story`).
"""

from __future__ import annotations

from collections.abc import Iterator

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
    """The visible text of an element, whitespace collapsed, scripts and styles left out."""
    parts: list[str] = []

    def collect(node) -> None:
        if isinstance(node.tag, str) and node.tag in INVISIBLE_TAGS:
            return
        if isinstance(node.tag, str) and node.text:
            parts.append(node.text)
        for child in node:
            collect(child)
            if child.tail:
                parts.append(child.tail)
        # <br> separates words even when the source has no space around it
        if node.tag == "br":
            parts.append(" ")

    collect(element)
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


def elements_with_class(root, token: str) -> list:
    """Descendants of `root` whose class list contains `token` (a cheap XPath pre-filter, then exact)."""
    return [el for el in root.xpath(f".//*[contains(@class, '{token}')]") if has_class(el, token)]

