"""The Dawn article page object: a parsel Selector in, article fields out. No I/O, no Scrapy engine.

Three parts, one job each: the story locator (newscrawl.extraction.story) says which box is the page's own story
and which element its body; the page metadata (newscrawl.extraction.metadata) holds the meta tags, JSON-LD,
`<title>` and canonical link, read once; the body source (newscrawl.extraction.body, .generic) gives the body
blocks. This class is the fields: one small `@field` method per Article field, as fundus does it. Each field
lists its sources, most trusted first, and the first valid value wins: the story markup (the `story__*`,
`timestamp--*` and `media*` blocks, which survived every redesign), then the page's meta tags (`og:*`,
`article:*`, `meta[name=author]`), then JSON-LD `NewsArticle`.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from functools import cached_property

from parsel import Selector

from newscrawl.items import Article
from newscrawl.urls import canonical_article_url
from newscrawl.extraction.body import SKIPPED_TAGS, StoryBody
from newscrawl.extraction.fields import ItemPage, field
from newscrawl.extraction.html import elements_with_class, has_class, text_of
from newscrawl.extraction.images import bare_images, captioned, story_images
from newscrawl.extraction.metadata import PageMetadata, first_valid, json_ld_keywords, json_ld_strings
from newscrawl.extraction.ownership import owned_by, story_of
from newscrawl.extraction.story import StoryLocator
from newscrawl.extraction.text import clean, dateline_of, parse_print_line
from newscrawl.extraction.times import in_offset, page_offset, shown_clocks
from newscrawl.extraction.vocabulary import author_name, byline_elements, itemprop, keywords, shown_times

# Between names in a byline: "A | B", "A, B", "A & B", "A and B"; "By " opens a plain-text byline.
BYLINE_SEPARATORS = re.compile(r"\s*(?:[|,;&]|\band\b)\s*")
BYLINE_PREFIX = re.compile(r"^by\s+", re.IGNORECASE)


def split_names(text: str | None) -> list[str]:
    """Names in a plain-text byline or author string: "By Our Correspondent", "Dawn.com | Reuters"."""
    return [name for piece in BYLINE_SEPARATORS.split(clean(text)) if (name := BYLINE_PREFIX.sub("", piece).strip())]


def is_amp_page(root) -> bool:
    """An AMP copy of an article (`<html amp>` or `<html ⚡>`): read only when it is the only copy there is."""
    return root.tag == "html" and ("amp" in root.attrib or "\u26a1" in root.attrib)


def content_hash(title: str | None, body: str | None) -> str:
    return hashlib.sha256(f"{title or ''}\n\n{body or ''}".encode("utf-8")).hexdigest()


class DawnArticlePage(ItemPage):
    """Article pages of the current layout (Tailwind shell around the BEM `story__*` blocks, since ~2021)."""

    item_class = Article
    locator_class = StoryLocator

    def __init__(self, selector: Selector, url: str, body=None, *, metadata: PageMetadata | None = None,
                 locator=None):
        self.sel = selector
        self.page_url = url
        self.metadata = metadata or PageMetadata(selector, url)
        self.locator = locator or self.locator_class(selector, self.metadata)
        self.body_source = body or StoryBody(self.locator)

    def with_body(self, body) -> DawnArticlePage:
        """The same page read with another body source; the metadata and the story are not read again."""
        return type(self)(self.sel, self.page_url, body, metadata=self.metadata, locator=self.locator)

    @classmethod
    def matches(cls, selector: Selector) -> bool:
        """The markup signature of this layout: a `story` box with a `story__title` or `story__content`."""
        root = selector.root
        return any(has_class(el, "story") or story_of(el) is not None
                   for token in ("story__title", "story__content") for el in elements_with_class(root, token))

    @property
    def story(self):
        return self.locator.story

    # ---- identity ---------------------------------------------------------------------------------
    @field
    def url(self) -> str | None:
        return canonical_article_url(self.article_id()) if self.article_id() else None

    @field
    def article_id(self) -> int | None:
        return self.metadata.article_id

    @field
    def language(self) -> str:
        return "en"

    @field
    def extractor(self) -> str:
        # an AMP copy is marked whatever read its body: the canonical page is the article (docs/OUTPUT.md)
        return "amp" if is_amp_page(self.sel.root) else self.body_source.extractor

    def left_out(self) -> dict[str, int]:
        """What the body source left out of the body, by kind ({"navigation": 2}); the crawl counts it."""
        return dict(getattr(self.body_source, "left_out", {}))

    # ---- header -----------------------------------------------------------------------------------
    @field
    def title(self) -> str | None:
        meta = self.metadata
        return first_valid(self._story_headline, lambda: meta.meta("og:title"),
                           lambda: meta.json_ld_text("headline"), lambda: meta.title_parts[0] or None)

    def _story_headline(self) -> str | None:
        # `story__title` (an h2 today, h1 on some pages), else itemprop=headline, h1, a renamed block's `*__title`
        return (self.locator.headline_text(self.story) or None) if self.story is not None else None

    @field
    def summary(self) -> str | None:
        meta = self.metadata
        return first_valid(lambda: meta.meta("og:description"), lambda: meta.meta("description"),
                           lambda: meta.json_ld_text("description"))

    @field
    def authors(self) -> list[str]:
        meta = self.metadata
        names = first_valid(self._byline_authors, self._vocabulary_authors, lambda: split_names(meta.meta("author")),
                            lambda: json_ld_strings(meta.json_ld.get("author"), "name")) or []
        return list(dict.fromkeys(name for name in names if name))

    def _byline_authors(self) -> list[str]:
        return [name for byline in self.locator.header_elements("story__byline") for name in self._byline_names(byline)]

    def _vocabulary_authors(self) -> list[str]:
        """A renamed block's `*__byline`, else schema.org author items and `rel=author` links."""
        if self.story is None:
            return []
        return [name for el in byline_elements(self.story, owned_by)
                for name in ([author_name(el)] if "author" in itemprop(el) or el.tag == "a"
                             else self._byline_names(el))]

    def _byline_names(self, element) -> list[str]:
        """Each author link's text whole, and the plain text between links split into names, in byline order
        ("Dawn Report", "<a>A</a> | <a>B</a>", "<a>A</a> and Our Correspondent")."""
        names = split_names(element.text)
        for child in element:
            if isinstance(child.tag, str) and child.tag not in SKIPPED_TAGS:
                names += [text_of(child)] if child.tag == "a" else self._byline_names(child)
            names += split_names(child.tail)
        return [name for name in names if name]

    @field
    def section(self) -> str | None:
        meta = self.metadata
        return first_valid(lambda: meta.meta("article:section"), lambda: meta.json_ld_text("articleSection"),
                           self._title_section)

    def _title_section(self) -> str | None:
        parts = self.metadata.title_parts
        return parts[-2] if len(parts) >= 3 and parts[-1].upper() == "DAWN.COM" else None

    @cached_property
    def _story_times(self) -> dict[str, str]:
        """{"published": iso, "updated": iso} from the story's own `story__time` blocks and `<time datetime>`s."""
        return shown_times(self.story, owned_by) if self.story is not None else {}

    @cached_property
    def _offset(self):
        """The page's offset (newscrawl.extraction.times): every time field is given in it."""
        meta = self.metadata
        values = [*self._story_times.values(), meta.meta("article:published_time"), meta.meta("article:modified_time"),
                  meta.json_ld_text("datePublished"), meta.json_ld_text("dateModified")]
        return page_offset(values, shown_clocks(self.story, owned_by))

    @field
    def published_at(self) -> str | None:
        meta = self.metadata
        return first_valid(lambda: in_offset(self._story_times.get("published"), self._offset),
                           lambda: in_offset(meta.meta("article:published_time"), self._offset),
                           lambda: in_offset(meta.json_ld_text("datePublished"), self._offset))

    @field
    def updated_at(self) -> str | None:
        if self._story_times:  # the story shows its time: it says "Updated", or it was not updated
            return in_offset(self._story_times.get("updated"), self._offset)
        meta = self.metadata
        return in_offset(first_valid(lambda: self._later_than_published(meta.meta("article:modified_time")),
                                     lambda: self._later_than_published(meta.json_ld_text("dateModified"))),
                         self._offset)

    def _later_than_published(self, value: str | None) -> str | None:
        """A modification time, when it is one and later than publication (meta tags repeat the publication
        time as modified_time for a story never revised)."""
        modified, published = in_offset(value, self._offset), self.published_at()
        if not modified or not published:
            return None
        return modified if datetime.fromisoformat(modified) > datetime.fromisoformat(published) else None

    # ---- body -------------------------------------------------------------------------------------
    @cached_property
    def _print_line_index(self) -> int | None:
        """The print-edition line closes a Dawn story: whatever a layout puts after it is not the article."""
        return next((i for i, block in enumerate(self.body_source.blocks) if parse_print_line(block)), None)

    def body_blocks(self) -> list[str]:
        """Body blocks in reading order, up to the print-edition line."""
        blocks, index = self.body_source.blocks, self._print_line_index
        return blocks[:index] if index is not None else list(blocks)

    @field
    def body(self) -> str | None:
        return "\n\n".join(self.body_blocks()) or None

    def has_empty_body_container(self) -> bool:
        """The body container is there but holds no text: a page whose body a script fills in."""
        return self.locator.content is not None and not self.body_source.blocks

    @field
    def dateline(self) -> str | None:
        blocks = self.body_blocks()
        return dateline_of(blocks[0]) if blocks else None

    @field
    def print_edition(self) -> dict | None:
        index = self._print_line_index
        return parse_print_line(self.body_source.blocks[index]) if index is not None else None

    # ---- media and tags ---------------------------------------------------------------------------
    @field
    def images(self) -> list[dict]:
        meta = self.metadata
        story, url = self.story, self.page_url
        images = first_valid(lambda: story_images(story, url, owned_by) if story is not None else [],
                             lambda: bare_images([meta.meta("og:image")], url),
                             lambda: bare_images(json_ld_strings(meta.json_ld.get("image"), "url"), url)) or []
        # an image named by the metadata keeps the caption of the main-column figure that shows it
        return captioned(images, self.sel.root, self.page_url, self.locator.in_main_column)

    @field
    def tags(self) -> list[str]:
        meta = self.metadata
        tags = first_valid(self._story_tags, lambda: keywords(self.story, owned_by) if self.story is not None else [],
                           lambda: meta.metas("article:tag"), self._json_ld_keywords) or []
        return list(dict.fromkeys(t for t in tags if t))

    def _story_tags(self) -> list[str]:
        tags = (self.story.get("data-tags") or "") if self.story is not None else ""
        return [tag for t in tags.split(",") if (tag := clean(t))]

    def _json_ld_keywords(self) -> list[str]:
        return json_ld_keywords(self.metadata.json_ld.get("keywords"))
