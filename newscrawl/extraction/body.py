"""Where an article's body blocks come from: a body source gives the paragraph-like blocks in reading order.

`StoryBody` reads the story's own body container (what the story locator found); `generic.GenericBody` asks
trafilatura when there is none. The page object takes either, so the fields computed from the body (body,
dateline, print edition) are the same code whichever source gave it. A source says which extractor it is.
"""

from __future__ import annotations

from functools import cached_property

from newscrawl.extraction.html import class_tokens, text_of
from newscrawl.extraction.vocabulary import is_body_container

# Paragraph-like blocks that make up the body, in reading order.
BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li"})
# Never body text: media (captions, embeds), players, forms, and anything invisible.
SKIPPED_TAGS = frozenset({"figure", "figcaption", "aside", "audio", "video", "iframe", "form", "button",
                          "script", "style", "noscript", "template", "nav"})
# Class tokens of blocks inside the body container that are not the article's text.
SKIPPED_CLASS_TOKENS = frozenset({"story", "media", "tts", "twitter-tweet", "instagram-media",
                                  "related", "share", "social"})
SKIPPED_CLASS_PREFIXES = ("ad__", "widget", "media__item--", "story__related", "share", "social")
# The same blocks under a renamed BEM block: `post__related`, `article__share`, `story__ad` (element names survive)
SKIPPED_BEM_ELEMENTS = frozenset({"related", "share", "social", "ad", "advert", "promo", "newsletter", "comments"})


def _is_skipped(element) -> bool:
    if not isinstance(element.tag, str) or element.tag in SKIPPED_TAGS:
        return True
    tokens = class_tokens(element)
    return (bool(tokens & SKIPPED_CLASS_TOKENS) or any(t.startswith(SKIPPED_CLASS_PREFIXES) for t in tokens)
            or any(part in SKIPPED_BEM_ELEMENTS for t in tokens if "__" in t for part in t.split("__")[1:]))


def _has_block_child(element) -> bool:
    return any(isinstance(el.tag, str) and el.tag in BLOCK_TAGS for el in element.iterdescendants())


def container_blocks(container, skipped=frozenset()) -> list[str]:
    """The text blocks of a body container in reading order, media, embeds and widgets left out, and the
    `skipped` elements (the story's headline, byline and times, when the container is the whole story)."""
    blocks: list[str] = []
    # depth first in document order, with a stack of its own (a hostile page nests thousands deep)
    stack = list(reversed(container))
    while stack:
        child = stack.pop()
        if _is_skipped(child) or child in skipped:
            continue
        if child.tag in BLOCK_TAGS and not _has_block_child(child):
            if text := text_of(child):
                blocks.append(text)
        else:
            stack.extend(reversed(child))
    return blocks


class StoryBody:
    """The body container of the story the locator found; no blocks when there is none. Its extractor is "dawn"
    for a container the markup names (`story__content`, `itemprop=articleBody`, a BEM `*__content`), "generic"
    for the paragraphs of a story whose container has no name this project knows (a layout change to look at)."""

    def __init__(self, locator):
        self.locator = locator

    @property
    def extractor(self) -> str:
        content = self.locator.content
        return "dawn" if content is None or is_body_container(content) else "generic"

    @cached_property
    def blocks(self) -> list[str]:
        content = self.locator.content
        return container_blocks(content, self.locator.header) if content is not None else []
