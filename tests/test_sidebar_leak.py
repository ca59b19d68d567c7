"""The strip-sidebar pipeline as the second wall, in a real crawl: a layout that repeats the Opinion/Editorial
block as plain paragraphs inside the story body, where the selectors alone would leak it."""

import json

from parsel import Selector

from newscrawl.extraction import DawnArticlePage
from tests.conftest import EXPECTED, SITE, write_mirror
from tests.test_sidebar_strip import SEED_TEASERS

URL = "https://www.dawn.com/news/1532195/pompeo-urges-kazakhstan-to-join-it-in-pressing-china-over-uighur-rights"
PRINT_LINE = "<p>Published in Dawn, February 3rd, 2020</p>"
LAST_PARAGRAPH = "<p>Tleuberdi, whose government"


def leaky_seed_page() -> str:
    """The seed fixture with a mobile copy of the sidebar, as bare paragraphs, inside the story body before
    its last paragraph (after the print line the extractor already stops reading)."""
    html = (SITE / "news" / "1532195.html").read_text(encoding="utf-8")
    copy = ["<p>Opinion</p>", "<p>Editorial</p>"]
    for title, excerpt, day, updated in SEED_TEASERS:
        shown = {"2024-12-26": "26 Dec, 2024", "2024-12-25": "25 Dec, 2024"}[day]
        copy += [f"<p>{title}</p>", f"<p>{'Updated ' if updated else ''}{shown}</p>", f"<p>{excerpt}</p>"]
    assert html.count(LAST_PARAGRAPH) == 1
    return html.replace(LAST_PARAGRAPH, "<div class='sm:hidden'>" + "".join(copy) + "</div>" + LAST_PARAGRAPH)


def test_selectors_alone_would_leak_this_page():
    page = DawnArticlePage(Selector(text=leaky_seed_page()), URL)
    assert "Afghan strikes" in page.body_blocks()


def test_pipeline_strips_the_leak_in_a_real_crawl(crawl, tmp_path):
    mirror = write_mirror(tmp_path / "mirror", {URL: (200, "text/html; charset=utf-8", leaky_seed_page().encode())})
    result = crawl("-a", f"urls={URL}", mirror=mirror)
    expected = json.loads((EXPECTED / "1532195.json").read_text(encoding="utf-8"))["article"]
    [article] = result.articles
    assert article["body"] == "\n\n".join(expected["body_paragraphs"])
    assert article["print_edition"] == expected["print_edition"]
    assert len(result.teasers) == 6
    assert result.stats["newscrawl/sidebar_stripped/articles"] == 1
    assert result.stats["newscrawl/sidebar_stripped/blocks"] == 2 + 3 * 6


def test_text_after_the_print_line_is_not_body():
    html = (SITE / "news" / "1532195.html").read_text(encoding="utf-8")
    html = html.replace(PRINT_LINE, PRINT_LINE + "<p>Opinion</p><p>Editorial</p><p>Afghan strikes</p>")
    page = DawnArticlePage(Selector(text=html), URL)
    assert page.body_blocks()[-1].startswith("Tleuberdi, whose government")
    assert page.print_edition() == {"publication": "Dawn", "date": "2020-02-03"}
