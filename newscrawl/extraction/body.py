"""Where an article's body blocks come from: a body source gives the paragraph-like blocks in reading order.

`StoryBody` reads the story's own body container (what the story locator found); `generic.GenericBody` asks
trafilatura when there is none. The page object takes either, so the fields computed from the body (body,
dateline, print edition) are the same code whichever source gave it. A source says which extractor it is.
"""

from __future__ import annotations

from functools import cached_property

from .html import class_tokens, text_of

# Paragraph-like blocks that make up the body, in reading order.
BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li"})
# Never body text: media (captions, embeds), players, forms, and anything invisible.
SKIPPED_TAGS = frozenset({"figure", "figcaption", "aside", "audio", "video", "iframe", "form", "button",
                          "script", "style", "noscript", "template", "nav"})
# Class tokens of blocks inside the body container that are not the article's text.
SKIPPED_CLASS_TOKENS = frozenset({"story", "media", "tts", "twitter-tweet", "instagram-media",
                                  "related", "share", "social"})
SKIPPED_CLASS_PREFIXES = ("ad__", "widget", "media__item--", "story__related", "share", "social")


def _is_skipped(element) -> bool:
    if not isinstance(element.tag, str) or element.tag in SKIPPED_TAGS:
        return True
    tokens = class_tokens(element)
    return bool(tokens & SKIPPED_CLASS_TOKENS) or any(t.startswith(SKIPPED_CLASS_PREFIXES) for t in tokens)


def _has_block_child(element) -> bool:
    return any(isinstance(el.tag, str) and el.tag in BLOCK_TAGS for el in element.iterdescendants())


def container_blocks(container) -> list[str]:
    """The text blocks of a body container in reading order, media, embeds and widgets left out."""
    blocks: list[str] = []
    # depth first in document order, with a stack of its own (a hostile page nests thousands deep)
    stack = list(reversed(container))
    while stack:
        child = stack.pop()
        if _is_skipped(child):
            continue
        if child.tag in BLOCK_TAGS and not _has_block_child(child):
            if text := text_of(child):
                blocks.append(text)
        else:
            stack.extend(reversed(child))
    return blocks


class StoryBody:
    """The body container of the story the locator found (`story__content`); no blocks when there is none."""

    extractor = "dawn"

    def __init__(self, locator):
        self.locator = locator

    @cached_property
    def blocks(self) -> list[str]:
        content = self.locator.content
        return container_blocks(content) if content is not None else []
