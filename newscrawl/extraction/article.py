"""The Dawn article page object: a parsel Selector in, article fields out. No I/O, no Scrapy engine.

One small method per field, as fundus does it. Each field lists its sources, most trusted first, and the first
valid value wins: the story markup (the `story__*`, `timestamp--*` and `media*` blocks, which survived every
redesign), then the page's meta tags (`og:*`, `article:*`, `meta[name=author]`), then JSON-LD `NewsArticle`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime
from functools import cached_property

from parsel import Selector

from ..urls import absolute_url, article_id_from_url, canonical_article_url, web_url_problem
from . import jsonld
from .boxes import time_of
from .html import class_tokens, elements_with_class, has_class, owned_by, text_of
from .text import clean, dateline_of, iso_datetime, parse_print_line

# Paragraph-like blocks that make up the body, in reading order.
BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li"})
# Never body text: media (captions, embeds), players, forms, and anything invisible.
SKIPPED_TAGS = frozenset({"figure", "figcaption", "aside", "audio", "video", "iframe", "form", "button",
                          "script", "style", "noscript", "template", "nav"})
# Class tokens of blocks inside the body container that are not the article's text.
SKIPPED_CLASS_TOKENS = frozenset({"story", "media", "tts", "twitter-tweet", "instagram-media",
                                  "related", "share", "social"})
SKIPPED_CLASS_PREFIXES = ("ad__", "widget", "media__item--", "story__related", "share", "social")
LAZY_PLACEHOLDER_PREFIX = "data:"
# og:image of a page without a picture of its own is the site's default social card, not an article image.
SITE_IMAGE_PATH = "/_img/"
# Between names in a byline: "A | B", "A, B", "A & B", "A and B"; "By " opens a plain-text byline.
BYLINE_SEPARATORS = re.compile(r"\s*(?:[|,;&]|\band\b)\s*")
BYLINE_PREFIX = re.compile(r"^by\s+", re.IGNORECASE)


def first_valid(*sources: Callable):
    """The value of the first source that gives one (a non-empty string, list or dict), else None."""
    for source in sources:
        if value := source():
            return value
    return None


def split_names(text: str | None) -> list[str]:
    """Names in a plain-text byline or author string: "By Our Correspondent", "Dawn.com | Reuters"."""
    return [name for piece in BYLINE_SEPARATORS.split(clean(text)) if (name := BYLINE_PREFIX.sub("", piece).strip())]


def _is_skipped(element) -> bool:
    if not isinstance(element.tag, str) or element.tag in SKIPPED_TAGS:
        return True
    tokens = class_tokens(element)
    return bool(tokens & SKIPPED_CLASS_TOKENS) or any(t.startswith(SKIPPED_CLASS_PREFIXES) for t in tokens)


def _has_block_child(element) -> bool:
    return any(isinstance(el.tag, str) and el.tag in BLOCK_TAGS for el in element.iterdescendants())


def content_hash(title: str | None, body: str | None) -> str:
    return hashlib.sha256(f"{title or ''}\n\n{body or ''}".encode("utf-8")).hexdigest()


class DawnArticlePage:
    """Article pages of the current layout (Tailwind shell around the BEM `story__*` blocks, since ~2021)."""

    layout = "dawn-2021"
    extractor = "dawn"

    def __init__(self, selector: Selector, url: str):
        self.sel = selector
        self.url = url

    @classmethod
    def matches(cls, selector: Selector) -> bool:
        """The markup signature of this layout: a `story` box with a `story__title` or `story__content`."""
        return bool(selector.xpath("//*[contains(@class, 'story__title') or contains(@class, 'story__content')]"
                                   "[ancestor-or-self::*[contains(concat(' ', normalize-space(@class), ' '), ' story ')]]"))

    # ---- which part of the page is the story ------------------------------------------------------
    @cached_property
    def article_id(self) -> int | None:
        # the canonical link names the article; a story box's data-id can disagree with it (a listing trap)
        return first_valid(lambda: article_id_from_url(self.sel.xpath("//link[@rel='canonical']/@href").get()),
                           lambda: article_id_from_url(self._meta("og:url")),
                           lambda: article_id_from_url(self.url))

    @cached_property
    def content(self):
        """The body container (`story__content`) of the page's own story, or None."""
        candidates = [el for el in elements_with_class(self.sel.root, "story__content")
                      if not any(has_class(a, "story__content") for a in el.iterancestors())
                      and owned_by(el, self._story_of(el))]
        if not candidates:
            return None
        wanted = str(self.article_id)
        for el in candidates:  # the story whose data-id is the canonical id, when one says so
            story = self._story_of(el)
            if story is not None and story.get("data-id") == wanted:
                return el
        return max(candidates, key=lambda el: len(text_of(el)))

    @cached_property
    def story(self):
        """The story container: the `story` box holding the body, else the body's parent. With no body
        container, the `story` box whose data-id is the article's, else the first one outside sidebars."""
        if self.content is not None:
            story = self._story_of(self.content)
            return story if story is not None else self.content.getparent()
        boxes = [el for el in self.sel.root.iter() if isinstance(el.tag, str) and has_class(el, "story")
                 and not any(a.tag == "aside" or has_class(a, "story") for a in el.iterancestors())]
        return next((el for el in boxes if el.get("data-id") == str(self.article_id)), boxes[0] if boxes else None)

    @staticmethod
    def _story_of(element):
        return next((a for a in element.iterancestors() if has_class(a, "story")), None)

    def _header_elements(self, token: str) -> list:
        """Elements of class `token` that belong to the story itself, outside its body."""
        return self._outside_body(elements_with_class(self.story, token)) if self.story is not None else []

    def _outside_body(self, elements) -> list:
        """Those of `elements` that belong to the story itself (no sidebar or other story between) and sit
        outside its body."""
        return [el for el in elements
                if owned_by(el, self.story) and not any(has_class(a, "story__content") for a in el.iterancestors())]

    def _metas(self, name: str) -> list[str]:
        return [clean(v) for v in self.sel.xpath(f"//meta[@property='{name}' or @name='{name}']/@content").getall()]

    def _meta(self, name: str) -> str | None:
        return next(iter(self._metas(name)), None) or None

    @cached_property
    def _json_ld(self) -> dict:
        """The page's JSON-LD NewsArticle (or Article) node; {} when there is none or it does not parse.
        Untrusted: read only through newscrawl.extraction.jsonld."""
        return jsonld.article_node(self.sel.xpath("//script[@type='application/ld+json']/text()").getall())

    def _json_ld_text(self, key: str) -> str | None:
        return jsonld.text(self._json_ld, key)

    # ---- fields ----------------------------------------------------------------------------------
    def canonical_url(self) -> str | None:
        return canonical_article_url(self.article_id) if self.article_id else None

    def title(self) -> str | None:
        return first_valid(self._story_title, self._story_h1, lambda: self._meta("og:title"),
                           lambda: self._json_ld_text("headline"), self._page_title)

    def _story_title(self) -> str | None:
        # h2 on today's pages, h1 on some: the class names the headline, not the tag
        return next((text for el in self._header_elements("story__title") if (text := text_of(el))), None)

    def _story_h1(self) -> str | None:
        """A bare `h1` heading the story (a layout that dropped the `story__title` class)."""
        headings = self._outside_body(self.story.iter("h1")) if self.story is not None else []
        return next((text for el in headings if (text := text_of(el))), None)

    @cached_property
    def _title_parts(self) -> list[str]:
        """`<title>` is "Headline - Section - DAWN.COM"."""
        return [clean(p) for p in (self.sel.xpath("//title/text()").get() or "").split(" - ")]

    def _page_title(self) -> str | None:
        return self._title_parts[0] or None

    def summary(self) -> str | None:
        return first_valid(lambda: self._meta("og:description"), lambda: self._meta("description"),
                           lambda: self._json_ld_text("description"))

    def authors(self) -> list[str]:
        names = first_valid(self._byline_authors, lambda: split_names(self._meta("author")),
                            lambda: jsonld.strings(self._json_ld.get("author"), "name")) or []
        return list(dict.fromkeys(name for name in names if name))

    def _byline_authors(self) -> list[str]:
        return [name for byline in self._header_elements("story__byline") for name in self._byline_names(byline)]

    def _byline_names(self, element) -> list[str]:
        """Each author link's text whole, and the plain text between links split into names, in byline order
        ("Dawn Report", "<a>A</a> | <a>B</a>", "<a>A</a> and Our Correspondent")."""
        names = split_names(element.text)
        for child in element:
            if isinstance(child.tag, str) and child.tag not in SKIPPED_TAGS:
                names += [text_of(child)] if child.tag == "a" else self._byline_names(child)
            names += split_names(child.tail)
        return [name for name in names if name]

    def section(self) -> str | None:
        return first_valid(lambda: self._meta("article:section"), lambda: self._json_ld_text("articleSection"),
                           self._title_section)

    def _title_section(self) -> str | None:
        parts = self._title_parts
        return parts[-2] if len(parts) >= 3 and parts[-1].upper() == "DAWN.COM" else None

    @cached_property
    def _story_times(self) -> dict[str, str]:
        """{"published": iso, "updated": iso} from the story's own `story__time` blocks."""
        times: dict[str, str] = {}
        for block in self._header_elements("story__time"):
            shown = time_of(block)
            if shown.stamp:
                times.setdefault("updated" if shown.updated else "published", shown.stamp)
        return times

    def published_at(self) -> str | None:
        return first_valid(lambda: self._story_times.get("published"),
                           lambda: iso_datetime(self._meta("article:published_time")),
                           lambda: iso_datetime(self._json_ld_text("datePublished")))

    def updated_at(self) -> str | None:
        if self._story_times:  # the story shows its time: it says "Updated", or it was not updated
            return self._story_times.get("updated")
        return first_valid(lambda: self._later_than_published(self._meta("article:modified_time")),
                           lambda: self._later_than_published(self._json_ld_text("dateModified")))

    def _later_than_published(self, value: str | None) -> str | None:
        """A modification time, when it is one and later than publication (meta tags repeat the publication
        time as modified_time for a story never revised)."""
        modified, published = iso_datetime(value), self.published_at()
        if not modified or not published:
            return None
        return modified if datetime.fromisoformat(modified) > datetime.fromisoformat(published) else None

    @cached_property
    def _blocks(self) -> list[str]:
        """Body blocks in reading order, print-edition line included."""
        if self.content is None:
            return []
        blocks: list[str] = []
        # depth first in document order, with a stack of its own (a hostile page nests thousands deep)
        stack = list(reversed(self.content))
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

    @cached_property
    def _print_line_index(self) -> int | None:
        """The print-edition line closes a Dawn story: whatever a layout puts after it is not the article."""
        return next((i for i, block in enumerate(self._blocks) if parse_print_line(block)), None)

    def body_blocks(self) -> list[str]:
        index = self._print_line_index
        return self._blocks[:index] if index is not None else list(self._blocks)

    def body(self) -> str | None:
        return "\n\n".join(self.body_blocks()) or None

    def has_empty_body_container(self) -> bool:
        """The body container is there but holds no text: a page whose body a script fills in."""
        return self.content is not None and not self._blocks

    def dateline(self) -> str | None:
        blocks = self.body_blocks()
        return dateline_of(blocks[0]) if blocks else None

    def print_edition(self) -> dict | None:
        index = self._print_line_index
        return parse_print_line(self._blocks[index]) if index is not None else None

    def images(self) -> list[dict]:
        return first_valid(self._story_images, lambda: self._bare_images([self._meta("og:image")]),
                           lambda: self._bare_images(jsonld.strings(self._json_ld.get("image"), "url"))) or []

    def _story_images(self) -> list[dict]:
        if self.story is None:
            return []
        images: dict[str, dict] = {}
        for figure in self.story.iter("figure"):
            if not has_class(figure, "media") or not owned_by(figure, self.story) or self._is_embed(figure):
                continue
            for img in figure.iter("img"):
                src = next((s for s in (img.get("data-src"), img.get("src"))
                            if s and not s.startswith(LAZY_PLACEHOLDER_PREFIX)), None)
                # an unreadable or non-web URL (a flipped byte: "\x05ttps://") is no image of the article
                if src and (url := absolute_url(self.url, src)) and web_url_problem(url) is None:
                    captions = elements_with_class(figure, "media__caption") or list(figure.iter("figcaption"))
                    caption = text_of(captions[0]) if captions else ""
                    images.setdefault(url, {"url": url, "caption": caption or None})
        return list(images.values())

    def _bare_images(self, urls: list[str | None]) -> list[dict]:
        """Images named outside the story (og:image, JSON-LD): no caption; never the site's default card."""
        found = [url for u in urls if isinstance(u, str) and SITE_IMAGE_PATH not in u
                 and (url := absolute_url(self.url, u)) and web_url_problem(url) is None]
        return [{"url": u, "caption": None} for u in dict.fromkeys(found)]

    @staticmethod
    def _is_embed(figure) -> bool:
        for el in figure.iter():
            tokens = class_tokens(el)
            if (el.tag in ("iframe", "video") or tokens & {"twitter-tweet", "instagram-media"}
                    or any(t.startswith("media__item--") for t in tokens)):
                return True
        return False

    def tags(self) -> list[str]:
        tags = first_valid(self._story_tags, lambda: self._metas("article:tag"), self._json_ld_keywords) or []
        return list(dict.fromkeys(t for t in tags if t))

    def _story_tags(self) -> list[str]:
        tags = (self.story.get("data-tags") or "") if self.story is not None else ""
        return [tag for t in tags.split(",") if (tag := clean(t))]

    def _json_ld_keywords(self) -> list[str]:
        return jsonld.keywords(self._json_ld.get("keywords"))

    def fields(self) -> dict:
        """Every Article field this page gives (fetch metadata is the caller's)."""
        title, body = self.title(), self.body()
        return {
            "url": self.canonical_url(),
            "article_id": self.article_id,
            "title": title,
            "summary": self.summary(),
            "authors": self.authors(),
            "section": self.section(),
            "published_at": self.published_at(),
            "updated_at": self.updated_at(),
            "dateline": self.dateline(),
            "body": body,
            "print_edition": self.print_edition(),
            "images": self.images(),
            "tags": self.tags(),
            "language": "en",
            "content_hash": content_hash(title, body),
            "extractor": self.extractor,
        }
