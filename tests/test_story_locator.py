"""The story locator proves which box is the page's own story, or finds none; a field never takes the value of a box
that belongs to another article. Small pages, one class of problem each, then every fixture page: no field holds
a value of a box of another article, and no paragraph of the article is missing from the body."""

import json

import pytest
from parsel import Selector

from newscrawl.fixture_library import article_fixtures
from newscrawl.extraction import ParsedArticlePage, parse_article
from newscrawl.extraction.metadata import PageMetadata
from newscrawl.extraction.story import StoryLocator

URL = "https://www.dawn.com/news/1990200/the-story"
OWN = "https://www.dawn.com/news/1990200/the-story"
OTHER = "https://www.dawn.com/news/1990299/a-teaser"
TITLE = "Dam inspection ordered"
T_OWN, T_OTHER, T_MOD = "2025-06-19T10:00:00+05:00", "2025-06-19T18:45:00+05:00", "2025-06-19T12:00:00+05:00"
PARAGRAPHS = ["LAHORE: The provincial government ordered an inspection of every dam on Thursday.",
              "Engineers will report within a month.", "“Safety comes first,” the minister said."]
BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
HEAD = (f"<title>{TITLE} - Pakistan - DAWN.COM</title><link rel='canonical' href='https://www.dawn.com/news/1990200'>"
        f"<meta property='og:title' content='{TITLE}'><meta property='og:image' content='https://i.dawn.com/own.jpg'>"
        f"<meta property='article:published_time' content='{T_OWN}'><meta property='article:modified_time' "
        f"content='{T_MOD}'><meta name='author' content='Meta Author'>")


def teaser(tag="article", cls="story", data_id="1990299", link=OTHER, title="Teaser headline"):
    """A box of another article, with every value a field could wrongly take."""
    ident = f" data-id='{data_id}'" if data_id else ""
    headline = f"<a href='{link}'>{title}</a>" if link else title
    return (f"<{tag} class='{cls}'{ident}><figure class='media'><img src='https://i.dawn.com/teaser.jpg'>"
            f"<figcaption>Teaser caption</figcaption></figure><h2 class='story__title'>{headline}</h2>"
            f"<span class='story__byline'><a>Teaser Author</a></span><span class='story__time'>"
            f"<span class='timestamp--label'>Updated</span><span class='timestamp--time' title='{T_OTHER}'>x</span>"
            f"</span><div class='story__excerpt'><p>Teaser excerpt that is not the story at all, longer than the "
            f"story itself so that the longest box would win if length decided anything here.</p></div></{tag}>")


def html(main: str, head: str = HEAD) -> str:
    return f"<html><head>{head}</head><body><nav><a href='/'>Home</a></nav><main>{main}</main></body></html>"


def read(main: str, head: str = HEAD):
    page = ParsedArticlePage(Selector(text=html(main, head)), URL)
    return page.story_proof, page.article_fields()


def assert_no_teaser_value(item: dict) -> None:
    assert item["title"] != "Teaser headline" and "Teaser Author" not in item["authors"]
    assert T_OTHER not in (item["published_at"], item["updated_at"])
    assert all("teaser" not in image["url"] for image in item["images"])
    assert "Teaser excerpt" not in (item["body"] or "")


RENAMED_STORY = (f"<article class='story'><h2 class='story__title'>{TITLE}</h2><span class='story__byline'>"
                 f"<a>Sara Naveed</a></span><div class='prose'>{BODY}</div></article>")


def test_the_issues_page_widget_before_a_story_without_body_container_nor_id():
    # no story__content, the Opinion/Editorial teasers in a plain div (not an aside) before the story
    proof, item = read(f"<div class='opinion-rail'>{teaser()}{teaser(data_id='1990298')}</div>" + RENAMED_STORY)
    assert proof == "headline" and item["title"] == TITLE and item["authors"] == ["Sara Naveed"]
    assert item["body"] == "\n\n".join(PARAGRAPHS) and item["updated_at"] == T_MOD
    assert_no_teaser_value(item)


@pytest.mark.parametrize("box", [teaser(link=None), teaser(data_id=None), teaser(tag="div"), teaser(cls="card")],
                         ids=["data-id only", "title link only", "div.story", "article.card"])
def test_a_box_that_names_another_article_is_never_the_story(box):
    proof, item = read(box)
    assert proof is None
    assert (item["title"], item["authors"], item["published_at"]) == (TITLE, ["Meta Author"], T_OWN)
    assert item["images"] == [{"url": "https://i.dawn.com/own.jpg", "caption": None}]
    assert_no_teaser_value(item)


def test_the_headline_link_outweighs_a_disagreeing_data_id():
    # a data-id can disagree with the href it wraps (seen on Dawn's listings): the link says whose box it is
    mine = teaser(data_id="1990299", link=OWN, title=TITLE).replace("Teaser excerpt", "Own excerpt")
    assert read(mine)[0] == "id"
    assert read(teaser(data_id="1990200", link=OTHER))[0] is None


def test_two_anonymous_boxes_and_no_matching_headline_prove_nothing():
    box = "<article><h2>Another headline</h2><p>Words of one box, as many as the other box has here.</p></article>"
    proof, item = read(box + box.replace("Another", "A third"))
    assert proof is None and item["title"] == TITLE and item["extractor"] == "generic"


def test_a_lone_box_with_little_of_the_pages_text_is_not_the_story():
    promo = "<article class='promo'><p>Subscribe to our newsletter.</p></article>"
    proof, item = read(promo + f"<div class='text'>{BODY}</div>")
    assert proof is None and item["title"] == TITLE and all(p in item["body"] for p in PARAGRAPHS)


def test_the_innermost_anonymous_box_is_the_story_and_a_same_id_box_without_body_loses():
    wrapper = f"<article class='page'><div class='intro'></div><article>{BODY}</article></article>"
    proof, item = read(wrapper)
    assert proof == "position" and item["body"] == "\n\n".join(PARAGRAPHS) and item["title"] == TITLE
    top_reads = teaser(data_id="1990200", link=OWN, title=TITLE)  # the same article in a "Top Reads" box
    story = f"<article class='story' data-id='1990200'><div class='story__content'>{BODY}</div></article>"
    proof, item = read(top_reads + story)
    assert proof == "id" and item["body"] == "\n\n".join(PARAGRAPHS)


def test_a_body_container_left_without_its_box_makes_its_parent_the_candidate():
    # a layout that dropped the story box but kept the body's name: the container's parent is read as the story
    orphan = f"<div class='main'><h1>{TITLE}</h1><div class='story__content'>{BODY}</div></div>"
    proof, item = read(f"<div class='rail'>{teaser()}</div>" + orphan)
    assert proof == "headline" and item["body"] == "\n\n".join(PARAGRAPHS) and item["extractor"] == "dawn"
    assert_no_teaser_value(item)


def test_a_card_that_is_one_link_to_another_article_is_foreign():
    card = f"<a href='{OTHER}'><article><h3>Teaser headline</h3><p>Teaser excerpt as the card shows it.</p></article></a>"
    proof, item = read(card)
    assert proof is None and item["title"] == TITLE and "Teaser excerpt" not in (item["body"] or "")


def test_a_linked_picture_in_the_body_does_not_make_the_story_foreign():
    card = f"<figure><a href='{OTHER}'><img src='https://i.dawn.com/x.jpg'></a><figcaption>Read more</figcaption></figure>"
    story = f"<article><h1>{TITLE}</h1><p>{PARAGRAPHS[0]}</p>{card}<p>{PARAGRAPHS[1]}</p></article>"
    assert read(story, head=HEAD.replace(TITLE, "An SEO title"))[0] == "position"


def test_a_site_name_after_the_headline_in_og_title_still_proves_it():
    story = f"<article><h1>{TITLE}</h1>{BODY}</article><article><h2>Other box</h2><p>Other words.</p></article>"
    head = HEAD.replace(f"content='{TITLE}'", f"content='{TITLE} | Dawn'").replace(f"<title>{TITLE} - ", "<title>")
    assert read(story, head=head)[0] == "headline"


def test_the_generic_body_reads_the_main_column_only():
    aside = f"<aside>{teaser()}<p>Aside paragraph that a generic extractor could take.</p></aside>"
    widget = "<div class='widget widget--editorial'><p>Widget paragraph about something else entirely.</p></div>"
    page = f"{aside}{widget}<div class='text'>{BODY}</div><p>Tail paragraph<span>,</span> kept whole.</p>"
    locator = StoryLocator(Selector(text=html(page)), PageMetadata(Selector(text=html(page)), URL))
    main = locator.main_column_html()
    assert "Aside paragraph" not in main and "Widget paragraph" not in main and "Teaser" not in main
    assert "Home" not in main and all(p in main for p in ("Engineers will report", "Tail paragraph<span>,</span> kept"))
    assert locator.sel.root.xpath("//aside")  # the page itself is left whole for the other fields


def test_vocabularies_of_a_renamed_story():
    story = (f"<article itemscope itemtype='https://schema.org/NewsArticle'><h1 itemprop='headline'>{TITLE}</h1>"
             f"<p class='meta'>By <span itemprop='author' itemscope><span itemprop='name'>A One</span></span> and "
             f"<a rel='author' href='/authors/2'>B Two</a> <time datetime='{T_OWN}'>x</time> "
             f"<span>Updated</span> <time datetime='{T_OTHER}'>y</time></p>"
             f"<meta itemprop='keywords' content='Dams, Safety'><figure><img data-src='https://i.dawn.com/lead.jpg' "
             f"src='data:x'><figcaption>Lead caption</figcaption></figure>"
             f"<div itemprop='articleBody'>{BODY}<div class='x__related'><p>Related line</p></div></div></article>")
    proof, item = read(story, head=HEAD.replace(TITLE, "An SEO title"))  # og:title differs: the one box is it
    assert proof == "position" and item["title"] == TITLE and item["authors"] == ["A One", "B Two"]
    assert (item["published_at"], item["updated_at"]) == (T_OWN, T_OTHER) and item["tags"] == ["Dams", "Safety"]
    assert item["images"] == [{"url": "https://i.dawn.com/lead.jpg", "caption": "Lead caption"}]
    assert item["body"] == "\n\n".join(PARAGRAPHS) and item["extractor"] == "dawn"


def test_an_image_named_by_metadata_takes_the_caption_of_its_main_column_figure_only():
    figure = "<figure><img src='https://i.dawn.com/own.jpg'><figcaption>{}</figcaption></figure>"
    widget = f"<div class='widget'>{figure.format('Widget caption')}</div>"
    assert read(widget + BODY)[1]["images"] == [{"url": "https://i.dawn.com/own.jpg", "caption": None}]
    assert read(widget + figure.format("Own caption") + BODY)[1]["images"][0]["caption"] == "Own caption"


# ---- every fixture page: nothing of another article's box, nothing of the article missing ------------------------
FIXTURES = [f for f in article_fixtures(("site", "variants")) if not f.needs_render]


def foreign_values(fixture) -> dict[str, set]:
    """Values shown by boxes of other articles on the page (read here with plain XPath, not with the locator):
    every `article` or `story` box whose link or data-id names another id than the page's."""
    own = fixture.expected_article()["article_id"]
    values = {"titles": set(), "names": set(), "times": set(), "images": set(), "paragraphs": set()}
    for box in fixture.selector().xpath("//article | //*[contains(concat(' ', normalize-space(@class), ' '), ' story ')]"):
        ids = box.xpath(".//h1//a/@href | .//h2//a/@href | .//h3//a/@href | .//h4//a/@href | @data-id").getall()
        named = {int(part) for value in ids for part in value.replace("/", " ").split() if part.isdigit()}
        if not named or own in named:
            continue
        values["titles"] |= {" ".join(t.split()) for t in box.xpath(".//h1//text() | .//h2//text() | .//h3//text()")
                             .getall() if t.strip()}
        values["names"] |= {" ".join(t.split()) for t in box.xpath(".//*[contains(@class, 'byline')]//a/text()").getall()}
        values["times"] |= set(box.xpath(".//@title[contains(., 'T')] | .//time/@datetime").getall())
        values["images"] |= set(box.xpath(".//img/@data-src | .//img/@src").getall())
        values["paragraphs"] |= {" ".join(p.split()) for p in box.xpath(".//p").xpath("string()").getall() if p.strip()}
    return values


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.name)
def test_no_field_holds_a_value_of_another_article_and_no_paragraph_is_missing(fixture):
    want, got = fixture.expected_article(), parse_article(fixture.selector(), fixture.url)
    foreign = foreign_values(fixture)
    shown = {"titles": {got["title"]}, "names": set(got["authors"]), "times": {got["published_at"], got["updated_at"]},
             "images": {image["url"] for image in got["images"]}, "paragraphs": set((got["body"] or "").split("\n\n"))}
    truth = {"titles": {want["title"]}, "names": set(want["authors"]), "times": {want["published_at"], want["updated_at"]},
             "images": {image["url"] for image in want["images"]}, "paragraphs": set(want["body"].split("\n\n"))}
    leaked = {kind: sorted((shown[kind] & foreign[kind]) - truth[kind]) for kind in shown}
    assert not any(leaked.values()), json.dumps(leaked, ensure_ascii=False)
    missing = [p for p in want["body"].split("\n\n") if p not in shown["paragraphs"]]
    assert not missing, missing
