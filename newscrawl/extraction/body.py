"""Where an article's body blocks come from: a body source gives the paragraph-like blocks in reading order.

`StoryBody` reads the story's own body containers (what the story locator found, and its continuations: a body
split around an ad slot into `story__content` and `story__content--continued`); `generic.GenericBody` asks
trafilatura when there is none. The page object takes either, so the fields computed from the body (body,
dateline, print edition) are the same code whichever source gave it. A source says which extractor it is, and
what it left out (`left_out`: navigation lines, newscrawl.extraction.navigation).
"""

from __future__ import annotations

from functools import cached_property

from newscrawl.extraction.html import class_tokens, text_of
from newscrawl.extraction.navigation import navigation_blocks
from newscrawl.extraction.ownership import owned_by
from newscrawl.extraction.text import clean
from newscrawl.extraction.vocabulary import bem_elements, body_containers, is_body_container, itemprop, own_elements

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
# Clock times inside the body (a live page's entry times, `live-updates__time`, "04:20pm"): no body text
CLOCK_BEM_ELEMENTS = frozenset({"time", "timestamp"})


def _is_skipped(element) -> bool:
    if not isinstance(element.tag, str) or element.tag in SKIPPED_TAGS:
        return True
    # AMP's components (ads, embeds, players, analytics; amp-img is a picture) and clock times are no body text
    if element.tag.startswith("amp-") or is_clock(element):
        return True
    tokens = class_tokens(element)
    return (bool(tokens & SKIPPED_CLASS_TOKENS) or any(t.startswith(SKIPPED_CLASS_PREFIXES) for t in tokens)
            or any(part in SKIPPED_BEM_ELEMENTS for t in tokens if "__" in t for part in t.split("__")[1:]))


def is_clock(element) -> bool:
    """A clock time's element by its BEM name (`live-updates__time`, `post__timestamp`)."""
    return isinstance(element.tag, str) and bool(bem_elements(element) & CLOCK_BEM_ELEMENTS)


def block_text(block) -> str:
    """A block's text without the clock times in it ("<span class='live-updates__time'>04:20pm</span> Text"); a
    block that shows only a `<time>` ("<p><time>04:20pm</time></p>") has none."""
    clocks = [el for el in block.iterdescendants() if is_clock(el)]
    text = text_of(block)
    for clock in clocks:
        text = text.replace(text_of(clock), "", 1)
    times = "".join(text_of(el) for el in block.iter("time"))
    return "" if times and clean(times) == clean(text) else clean(text)


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
            if text := block_text(child):
                blocks.append(text)
        else:
            stack.extend(reversed(child))
    return blocks


def container_names(element) -> frozenset[str]:
    """What a body container is called, modifiers aside: `story__content story__content--continued` and
    `story__content--continued` are both `story__content`; `itemprop=articleBody` is its own name."""
    names = {token.split("--")[0] for token in class_tokens(element) if "__" in token}
    return frozenset(names | ({"itemprop=articleBody"} if "articleBody" in itemprop(element) else set()))


class StoryBody:
    """The body containers of the story the locator found; no blocks when there is none. Its extractor is "dawn"
    for a container the markup names (`story__content`, `itemprop=articleBody`, a BEM `*__content`), "generic"
    for the paragraphs of a story whose container has no name this project knows (a layout change to look at)."""

    def __init__(self, locator):
        self.locator = locator

    @property
    def extractor(self) -> str:
        content = self.locator.content
        return "dawn" if content is None or is_body_container(content) else "generic"

    @cached_property
    def containers(self) -> list:
        """The story's body container and every other one of the same name (a body split around an ad slot or
        an embed, the second one often with a modifier: `story__content--continued`), in document order."""
        first, story = self.locator.content, self.locator.story
        if first is None or not is_body_container(first):
            return [first] if first is not None else []
        names = container_names(first)
        ranked = set(body_containers(story, owned_by))
        return [el for el in own_elements(story, owned_by, is_body_container)
                if el is first or (el in ranked and container_names(el) & names)]

    @cached_property
    def _navigation(self) -> set:
        """Navigation-only blocks of the containers ("Read more:" and one link to another story, lists of such
        links): pointers to other pages, not the article's text."""
        locator = self.locator
        return {el for container in self.containers
                for el in navigation_blocks(container, locator.article_id, locator.metadata.url)}

    @cached_property
    def blocks(self) -> list[str]:
        skipped = self.locator.header | self._navigation
        return [block for container in self.containers for block in container_blocks(container, skipped)]

    @property
    def left_out(self) -> dict[str, int]:
        """What the body left out that a reader of the page sees in it, by kind: {"navigation": blocks}."""
        return {"navigation": len(self._navigation)} if self._navigation else {}
