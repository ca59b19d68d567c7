"""The page's own metadata sources, read once per page: meta tags, JSON-LD, `<title>` and the canonical link.

These describe the page as a whole (never a box on it), so every field can fall back on them without the risk
of taking a neighbour's value. Each source is parsed once, when first asked for; the fields only look values up.
"""

from __future__ import annotations

from functools import cached_property

from parsel import Selector

from newscrawl.urls import article_id_from_url
from newscrawl.extraction import jsonld
from newscrawl.extraction.text import clean


def first_valid(*sources):
    """The value of the first source (a callable) that gives one (a non-empty string, list or dict), else None."""
    for source in sources:
        if value := source():
            return value
    return None


# JSON-LD values are untrusted (any type, any depth): read only through newscrawl.extraction.jsonld
json_ld_strings = jsonld.strings
json_ld_keywords = jsonld.keywords


class PageMetadata:
    """Meta tags (`og:*`, `article:*`, `name=...`), the JSON-LD article node, `<title>` and the canonical link."""

    def __init__(self, selector: Selector, url: str):
        self.sel = selector
        self.url = url

    @cached_property
    def _meta_tags(self) -> dict[str, list[str]]:
        """{property or name: [content, ...]} in page order, from one pass over the page's meta tags (as written:
        a content is cleaned when it is asked for; most never are)."""
        tags: dict[str, list[str]] = {}
        for element in self.sel.root.iter("meta"):
            content = element.get("content")
            if content is None:
                continue
            key, name = element.get("property"), element.get("name")
            if key is not None:
                tags.setdefault(key, []).append(content)
            if name is not None and name != key:
                tags.setdefault(name, []).append(content)
        return tags

    def metas(self, name: str) -> list[str]:
        """Every `meta[property=name]` or `meta[name=name]` content, in page order."""
        return [clean(content) for content in self._meta_tags.get(name, ())]

    def meta(self, name: str) -> str | None:
        """The first such content, when it is not empty."""
        contents = self._meta_tags.get(name)
        return clean(contents[0]) or None if contents else None

    @cached_property
    def json_ld(self) -> dict:
        """The page's JSON-LD NewsArticle (or Article) node; {} when there is none or it does not parse."""
        scripts = (el.text for el in self.sel.root.iter("script") if el.get("type") == "application/ld+json")
        return jsonld.article_node([text for text in scripts if text])

    def json_ld_text(self, key: str) -> str | None:
        return jsonld.text(self.json_ld, key)

    @cached_property
    def title_parts(self) -> list[str]:
        """`<title>` is "Headline - Section - DAWN.COM"."""
        title = next(self.sel.root.iter("title"), None)
        return [clean(p) for p in ((title.text if title is not None else None) or "").split(" - ")]

    @cached_property
    def canonical(self) -> str | None:
        return next((el.get("href") for el in self.sel.root.iter("link")
                     if el.get("rel") == "canonical" and el.get("href") is not None), None)

    @cached_property
    def article_id(self) -> int | None:
        """The article the page is about. The canonical link names it; a story box's data-id can disagree with
        it (a listing trap), so boxes are never asked."""
        return first_valid(lambda: article_id_from_url(self.canonical),
                           lambda: article_id_from_url(self.meta("og:url")),
                           lambda: article_id_from_url(self.url))

    def page_titles(self) -> list[str]:
        """Every headline the page's metadata gives (og:title, twitter:title, itemprop title, JSON-LD, `<title>`):
        what a story box's own headline is compared with to prove that it is the page's story."""
        found = [self.meta("og:title"), self.meta("twitter:title"), self.json_ld_text("headline"), self.title_parts[0]]
        found += self.sel.xpath("//head/meta[@itemprop='title']/@content").getall()
        # "Headline | Site" and "Headline - Site" name the headline too
        return [part for t in found if t for part in dict.fromkeys((t, t.split(" | ")[0], t.split(" - ")[0]))]
