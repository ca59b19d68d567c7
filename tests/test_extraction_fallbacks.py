"""Each field's sources, most trusted first: the story markup, then meta tags, then JSON-LD. One small page per
fallback, holding only the sources that case needs; plus the generic body fallback and the parser registry."""

import json
from dataclasses import field as dataclass_field
from dataclasses import fields, make_dataclass
from functools import cached_property

import pytest
from parsel import Selector

from newscrawl.fixture_library import article_fixtures
from newscrawl.extraction import (
    ARTICLE_PARSERS,
    DawnArticlePage,
    GenericBody,
    parse_article,
    parser_for,
)
from newscrawl.extraction.fields import field
from newscrawl.extraction.html import elements_with_class
from newscrawl.extraction.story import StoryLocator
from newscrawl.items import NOT_FROM_PAGE, Article, page_fields

URL = "https://www.dawn.com/news/1990100/a-story"
BODY = "<div class='story__content'><p>KARACHI: One paragraph.</p></div>"


def json_ld(**node) -> str:
    return f"<script type='application/ld+json'>{json.dumps({'@type': 'NewsArticle', **node})}</script>"


def meta(prop: str, content: str) -> str:
    attribute = "name" if prop in ("author", "description") else "property"
    return f"<meta {attribute}='{prop}' content='{content}'>"


def story_time(label: str, iso: str) -> str:
    return (f"<span class='story__time'><span class='timestamp--label'>{label}</span> "
            f"<span class='timestamp--time timeago' title='{iso}'>19 Jun, 2025</span></span>")


def page(head: str = "", story: str = "", body: str = BODY, tags: str = "", title: str = "") -> DawnArticlePage:
    html = (f"<html><head><title>{title}</title>{head}</head><body><article class='story' data-tags='{tags}'>"
            f"<div class='story__header'>{story}</div>{body}</article></body></html>")
    return DawnArticlePage(Selector(text=html), URL)


T1, T2 = "2025-06-19T10:00:00+05:00", "2025-06-19T12:30:00+05:00"
FIG = "<figure class='media'><img src='https://i.dawn.com/a.jpg'><figcaption class='media__caption'>Cap.</figcaption></figure>"
# (field, page arguments, expected value): the first source present wins
CASES = {
    "title/story__title": ("title", dict(story="<h2 class='story__title'>Story</h2>", head=meta("og:title", "Og")), "Story"),
    "title/bare h1": ("title", dict(story="<h1>Heading</h1>", head=meta("og:title", "Og")), "Heading"),
    "title/og:title": ("title", dict(head=meta("og:title", "Og") + json_ld(headline="Ld")), "Og"),
    "title/json-ld": ("title", dict(head=json_ld(headline="Ld"), title="Page - Pakistan - DAWN.COM"), "Ld"),
    "title/<title>": ("title", dict(title="Page - Pakistan - DAWN.COM"), "Page"),
    "summary/og:description": ("summary", dict(head=meta("og:description", "Og") + meta("description", "D")), "Og"),
    "summary/meta description": ("summary", dict(head=meta("description", "D") + json_ld(description="Ld")), "D"),
    "summary/json-ld": ("summary", dict(head=json_ld(description="Ld")), "Ld"),
    "authors/byline links": ("authors", dict(
        story="<span class='story__byline'><a class='story__byline__link'>A B</a> | <a class='story__byline__link'>C D</a>"
              "</span>", head=meta("author", "X")), ["A B", "C D"]),
    "authors/plain-text byline": ("authors", dict(story="<span class='story__byline'>By Our Correspondent</span>",
                                                  head=meta("author", "X")), ["Our Correspondent"]),
    "authors/links then plain text": ("authors", dict(
        story="<span class='story__byline'><a>A B</a>, <a>C D</a> and Dawn Report</span>"), ["A B", "C D", "Dawn Report"]),
    "authors/meta author": ("authors", dict(head=meta("author", "Dawn.com, Reuters") + json_ld(author="Ld")),
                            ["Dawn.com", "Reuters"]),
    "authors/json-ld": ("authors", dict(head=json_ld(author=[{"@type": "Person", "name": "Ld One"}, "Ld Two"])),
                        ["Ld One", "Ld Two"]),
    "section/article:section": ("section", dict(head=meta("article:section", "World") + json_ld(articleSection="Ld"),
                                                title="T - Pakistan - DAWN.COM"), "World"),
    "section/json-ld": ("section", dict(head=json_ld(articleSection="Ld"), title="T - Pakistan - DAWN.COM"), "Ld"),
    "section/<title>": ("section", dict(title="T - Pakistan - DAWN.COM"), "Pakistan"),
    "published_at/story": ("published_at", dict(story=story_time("Published", T1), head=meta("article:published_time", T2)), T1),
    "published_at/invalid story time": ("published_at", dict(story=story_time("Published", "yesterday"),
                                                             head=meta("article:published_time", T2)), T2),
    "published_at/meta": ("published_at", dict(head=meta("article:published_time", T1) + json_ld(datePublished=T2)), T1),
    "published_at/json-ld": ("published_at", dict(head=json_ld(datePublished=T2)), T2),
    "updated_at/story Updated": ("updated_at", dict(story=story_time("Updated", T2), head=meta("article:published_time", T1)), T2),
    "updated_at/story says Published": ("updated_at", dict(
        story=story_time("Published", T1), head=meta("article:modified_time", T2)), None),
    "updated_at/meta modified_time": ("updated_at", dict(
        head=meta("article:published_time", T1) + meta("article:modified_time", T2)), T2),
    "updated_at/meta modified = published": ("updated_at", dict(
        head=meta("article:published_time", T1) + meta("article:modified_time", T1)), None),
    "updated_at/json-ld": ("updated_at", dict(head=json_ld(datePublished=T1, dateModified=T2)), T2),
    "images/story figure": ("images", dict(body=FIG + BODY, head=meta("og:image", "https://i.dawn.com/og.jpg")),
                            [{"url": "https://i.dawn.com/a.jpg", "caption": "Cap."}]),
    "images/og:image": ("images", dict(head=meta("og:image", "https://i.dawn.com/og.jpg")),
                        [{"url": "https://i.dawn.com/og.jpg", "caption": None}]),
    "images/og:image site default": ("images", dict(head=meta("og:image", "https://www.dawn.com/_img/social-default.jpg")), []),
    "images/json-ld": ("images", dict(head=json_ld(image={"@type": "ImageObject", "url": "https://i.dawn.com/ld.jpg"})),
                       [{"url": "https://i.dawn.com/ld.jpg", "caption": None}]),
    "tags/data-tags": ("tags", dict(tags="One, Two", head=meta("article:tag", "Meta")), ["One", "Two"]),
    "tags/article:tag": ("tags", dict(head=meta("article:tag", "M1") + meta("article:tag", "M2")), ["M1", "M2"]),
    "tags/json-ld keywords": ("tags", dict(head=json_ld(keywords="K1, K2")), ["K1", "K2"]),
    "url/canonical": ("url", dict(head="<link rel='canonical' href='https://www.dawn.com/news/1990101'>"
                                            + meta("og:url", "https://www.dawn.com/news/1990102/x")),
                      "https://www.dawn.com/news/1990101"),
    "url/og:url": ("url", dict(head=meta("og:url", "https://www.dawn.com/news/1990102/x")),
                   "https://www.dawn.com/news/1990102"),
    "url/request URL": ("url", dict(), "https://www.dawn.com/news/1990100"),
}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_first_valid_source_wins(case):
    field, arguments, expected = CASES[case]
    assert getattr(page(**arguments), field)() == expected


def test_json_ld_in_a_graph_and_with_a_type_list():
    ld = json.dumps({"@graph": [{"@type": "Organization", "name": "Dawn"},
                                {"@type": ["NewsArticle", "Article"], "headline": "Graph headline"}]})
    assert page(head=f"<script type='application/ld+json'>{ld}</script>").title() == "Graph headline"


def test_broken_json_ld_is_skipped():
    head = "<script type='application/ld+json'>{not json</script>" + json_ld(headline="Second")
    assert page(head=head).title() == "Second"


# ---- the body: the Dawn parser, else the generic extractor -----------------------------------------------------
GENERIC_PAGE = ("<html><head><title>Stray dogs - Pakistan - DAWN.COM</title></head><body><nav><a href='/'>Home</a></nav>"
                "<div class='article-text'>" + "".join(
                    f"<p>Paragraph {n} of a story whose container has a class no Dawn layout used so far, long enough "
                    f"for a generic extractor to take it for the main text of the page.</p>" for n in range(1, 5))
                + "</div></body></html>")


def test_generic_extractor_supplies_a_body_the_dawn_parser_cannot_find():
    fields = parse_article(Selector(text=GENERIC_PAGE), URL)
    assert fields["extractor"] == "generic"
    assert fields["body"].split("\n\n")[0].startswith("Paragraph 1 of a story")
    assert len(fields["body"].split("\n\n")) == 4
    assert fields["title"] == "Stray dogs"  # the other fields still come from the page's own sources


def test_dawn_body_means_dawn_extractor():
    assert parse_article(Selector(text=page().sel.get()), URL)["extractor"] == "dawn"


def test_a_page_without_any_text_keeps_the_dawn_extractor_and_no_body():
    fields = parse_article(Selector(text="<html><head><title>x</title></head><body></body></html>"), URL)
    assert (fields["body"], fields["extractor"]) == (None, "dawn")


def test_empty_body_container_is_the_renderers_sign():
    empty = page(body="<div class='story__content'></div>")
    assert empty.has_empty_body_container() and not page().has_empty_body_container()


# ---- versioned parsers: the page's markup picks the version -------------------------------------------------
class LegacyLocator(StoryLocator):
    """A stand-in for an older layout whose body sits in `div.legacy-body` (no `story__*` blocks)."""

    @cached_property
    def content(self):
        return next(iter(elements_with_class(self.sel.root, "legacy-body")), None)

    @cached_property
    def story(self):
        return self.content


class OldLayoutPage(DawnArticlePage):
    locator_class = LegacyLocator

    @classmethod
    def matches(cls, selector):
        return bool(selector.css(".legacy-body"))


LEGACY = "<html><body><div class='legacy-body'><p>Old layout paragraph.</p></div></body></html>"


def test_registry_picks_the_parser_whose_signature_the_page_carries():
    parsers = (DawnArticlePage, OldLayoutPage)
    assert parser_for(Selector(text=LEGACY), parsers) is OldLayoutPage
    assert parse_article(Selector(text=LEGACY), URL, parsers)["body"] == "Old layout paragraph."
    # the newer parser keeps reading every page of its own layout
    for fixture in article_fixtures(("site", "variants")):
        if not fixture.needs_render and fixture.group == "site":
            assert parser_for(fixture.selector(), parsers) is DawnArticlePage, fixture.name


def test_the_dawn_parser_is_registered_and_reads_the_offline_site():
    assert ARTICLE_PARSERS == (DawnArticlePage,)
    fixture = next(f for f in article_fixtures(("site",)) if not f.needs_render)
    assert parser_for(fixture.selector(), ARTICLE_PARSERS) is DawnArticlePage
    assert not DawnArticlePage.matches(Selector(text=LEGACY))


# ---- one field registry: newscrawl.items.Article declares, each page object gives every field -------------------
def test_the_page_gives_exactly_the_article_fields_the_page_can_know():
    item = parse_article(Selector(text=page().sel.get()), URL)
    assert list(item) == list(page_fields(Article))
    # content_hash is the strip-sidebar pipeline's, computed once the body is final (docs/SIDEBAR.md)
    # render_failed is the spider's: it knows whether the page is a plain download read after a failed render
    assert set(page_fields(Article)) == {f.name for f in fields(Article)} - {"item_type", "fetched_at", "version",
                                                                             "content_hash", "render_failed"} - {
        "source", "cc_crawl", "cc_filename", "cc_offset", "cc_length", "cc_captured_at"}  # where the page came from


def test_a_page_object_missing_a_field_fails_when_defined():
    with pytest.raises(TypeError, match="no @field method for Article field.s. title"):
        type("NoTitlePage", (DawnArticlePage,), {"title": lambda self: "not marked as a field"})


def test_an_article_field_without_its_page_method_fails_loudly():
    extended = make_dataclass("ExtendedArticle", [("subtitle", "str | None", dataclass_field(default=None))],
                              bases=(Article,))
    with pytest.raises(TypeError, match="ExtendedArticle field.s. subtitle"):
        type("StalePage", (DawnArticlePage,), {"item_class": extended})
    # marked NOT_FROM_PAGE, the caller sets it: no page method needed
    fetched = make_dataclass("FetchedArticle", [("subtitle", "str | None", dataclass_field(default=None,
                                                                                         metadata=NOT_FROM_PAGE))],
                             bases=(Article,))
    assert type("FetchedPage", (DawnArticlePage,), {"item_class": fetched}).item_class is fetched


def test_a_field_method_the_article_does_not_declare_fails():
    with pytest.raises(TypeError, match="marks @field method.s. subtitle"):
        type("ExtraPage", (DawnArticlePage,), {"subtitle": field(lambda self: "x")})


def test_the_generic_body_is_a_source_the_other_fields_do_not_change_with():
    dawn = DawnArticlePage(Selector(text=GENERIC_PAGE), URL)
    generic = dawn.with_body(GenericBody(dawn.locator, URL))
    assert dawn.body() is None and generic.body().startswith("Paragraph 1 of a story")
    assert (dawn.extractor(), generic.extractor()) == ("dawn", "generic")
    assert generic.metadata is dawn.metadata and generic.locator is dawn.locator
    assert generic.title() == dawn.title() == "Stray dogs"
