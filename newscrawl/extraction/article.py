"""The Dawn article page object: a parsel Selector in, article fields out. No I/O, no Scrapy engine.

One small method per field, as fundus does it. Each field tries the story markup first (the `story__*`,
`timestamp--*` and `media*` blocks, which survived every redesign), then the page's meta tags, then JSON-LD.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from urllib.parse import urljoin

from parsel import Selector

from ..urls import article_id_from_url, canonical_article_url
from .html import class_tokens, elements_with_class, has_class, owned_by, text_of
from .text import clean, clean_or_none, dateline_of, iso_datetime, parse_print_line

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

    def __init__(self, selector: Selector, url: str):
        self.sel = selector
        self.url = url

    # ---- which part of the page is the story ------------------------------------------------------
    @cached_property
    def article_id(self) -> int | None:
        canonical = self.sel.xpath("//link[@rel='canonical']/@href").get()
        return article_id_from_url(canonical) or article_id_from_url(self.url)

    @cached_property
    def content(self):
        """The body container (`story__content`) of the page's own story, or None."""
        candidates = [el for el in elements_with_class(self.sel.root, "story__content")
                      if not any(has_class(a, "story__content") for a in el.iterancestors())]
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
        if self.story is None:
            return []
        return [el for el in elements_with_class(self.story, token)
                if owned_by(el, self.story) and not any(has_class(a, "story__content") for a in el.iterancestors())]

    def _meta(self, name: str) -> str | None:
        value = self.sel.xpath(f"//meta[@property='{name}' or @name='{name}']/@content").get()
        return clean_or_none(value)

    @cached_property
    def _json_ld_article(self) -> dict:
        for raw in self.sel.xpath("//script[@type='application/ld+json']/text()").getall():
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            for node in data if isinstance(data, list) else [data]:
                if isinstance(node, dict) and node.get("@type") in ("NewsArticle", "Article", "ReportageNewsArticle"):
                    return node
        return {}

    # ---- fields ----------------------------------------------------------------------------------
    def canonical_url(self) -> str | None:
        return canonical_article_url(self.article_id) if self.article_id else None

    def title(self) -> str | None:
        for el in self._header_elements("story__title"):
            if text := text_of(el):
                return text
        if og_title := self._meta("og:title"):
            return og_title
        page_title = clean(self.sel.xpath("//title/text()").get())
        return clean_or_none(page_title.split(" - ")[0]) if page_title else None

    def summary(self) -> str | None:
        return self._meta("og:description") or self._meta("description")

    def authors(self) -> list[str]:
        names: list[str] = []
        for byline in self._header_elements("story__byline"):
            links = [text_of(a) for a in elements_with_class(byline, "story__byline__link")]
            names.extend(links)
        if not names and (meta_author := self._meta("author")):
            names = [meta_author]
        return list(dict.fromkeys(name for name in names if name))

    def section(self) -> str | None:
        if section := self._meta("article:section"):
            return section
        parts = [clean(p) for p in (self.sel.xpath("//title/text()").get() or "").split(" - ")]
        return parts[-2] if len(parts) >= 3 and parts[-1].upper() == "DAWN.COM" else None

    @cached_property
    def _story_times(self) -> dict[str, str]:
        """{"published": iso, "updated": iso} from the story's own `story__time` blocks."""
        times: dict[str, str] = {}
        for block in self._header_elements("story__time"):
            label = " ".join(text_of(el) for el in elements_with_class(block, "timestamp--label")).lower()
            for stamp in elements_with_class(block, "timestamp--time"):
                if iso := iso_datetime(stamp.get("title")):
                    times.setdefault("updated" if "updated" in label else "published", iso)
        return times

    def published_at(self) -> str | None:
        return (self._story_times.get("published")
                or iso_datetime(self._meta("article:published_time"))
                or iso_datetime(self._json_ld_article.get("datePublished")))

    def updated_at(self) -> str | None:
        return self._story_times.get("updated")

    @cached_property
    def _blocks(self) -> list[str]:
        """Body blocks in reading order, print-edition line included."""
        if self.content is None:
            return []
        blocks: list[str] = []

        def walk(element) -> None:
            for child in element:
                if _is_skipped(child):
                    continue
                if child.tag in BLOCK_TAGS and not _has_block_child(child):
                    if text := text_of(child):
                        blocks.append(text)
                else:
                    walk(child)

        walk(self.content)
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
        if self.story is None:
            return []
        images: dict[str, dict] = {}
        for figure in self.story.iter("figure"):
            if not has_class(figure, "media") or not owned_by(figure, self.story) or self._is_embed(figure):
                continue
            for img in figure.iter("img"):
                src = next((s for s in (img.get("data-src"), img.get("src"))
                            if s and not s.startswith(LAZY_PLACEHOLDER_PREFIX)), None)
                if src:
                    url = urljoin(self.url, src.strip())
                    captions = elements_with_class(figure, "media__caption") or list(figure.iter("figcaption"))
                    caption = text_of(captions[0]) if captions else ""
                    images.setdefault(url, {"url": url, "caption": caption or None})
        return list(images.values())

    @staticmethod
    def _is_embed(figure) -> bool:
        for el in figure.iter():
            tokens = class_tokens(el)
            if (el.tag in ("iframe", "video") or tokens & {"twitter-tweet", "instagram-media"}
                    or any(t.startswith("media__item--") for t in tokens)):
                return True
        return False

    def tags(self) -> list[str]:
        tags = [clean(t) for t in self.sel.xpath("//meta[@property='article:tag']/@content").getall()]
        if not tags and self.story is not None:
            tags = [clean(t) for t in (self.story.get("data-tags") or "").split(",")]
        return list(dict.fromkeys(t for t in tags if t))

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
            "extractor": "dawn",
        }
