"""Drift alarms: the threshold arithmetic on stats dicts, then one real crawl that crosses two thresholds."""

from newscrawl.monitoring.drift import GENERIC, NO_STORY_BOX, drift_findings, generic_share, story_not_found_share
from newscrawl.fixture_library import FIXTURES
from tests.conftest import SITE, write_mirror

THRESHOLDS = {"body": 1.0, "title": 1.0, "published_at": 1.0, "authors": 0.6, "images": 0.5}


def stats(written=20, **extra):
    base = {"newscrawl/coverage_articles": written, "newscrawl/extractor/dawn": written}
    base.update({f"newscrawl/coverage/{f}": 1.0 for f in THRESHOLDS})
    return {**base, **{k.replace("__", "/"): v for k, v in extra.items()}}


def findings(s, min_articles=10, max_story_not_found=0.05):
    return {(f.field, f.share) for f in drift_findings(s, THRESHOLDS, 0.05, min_articles, max_story_not_found)}


def test_a_healthy_crawl_has_no_findings():
    assert findings(stats()) == set()


def test_a_field_below_its_threshold_is_a_finding():
    assert findings(stats(**{"newscrawl/coverage/authors": 0.55, "newscrawl/coverage/images": 0.5})) == {("authors", 0.55)}


def test_a_crawl_whose_every_article_lost_its_body_is_unhealthy():
    # coverage is measured before Validate drops them, so bodiless Articles count as such
    assert findings(stats(**{"newscrawl/coverage/body": 0.0})) == {("body", 0.0)}


def test_generic_extractions_above_their_share():
    s = stats(**{"newscrawl/extractor/dawn": 18, "newscrawl/extractor/generic": 2})
    assert generic_share(s) == 0.1 and findings(s) == {(GENERIC, 0.1)}
    assert findings(stats(**{"newscrawl/extractor/dawn": 19, "newscrawl/extractor/generic": 1})) == set()


def test_pages_without_a_proven_story_box_above_their_share():
    s = stats(**{"newscrawl/story/not_found": 3})  # 3 of 20 article pages
    assert story_not_found_share(s) == 0.15 and findings(s) == {(NO_STORY_BOX, 0.15)}
    assert findings(s, max_story_not_found=0.2) == set()
    assert findings(stats(**{"newscrawl/story/not_found": 1})) == set()  # 5% is the threshold, not over it
    [finding] = drift_findings(s, THRESHOLDS, 0.05, 10, 0.05)
    assert finding.message().startswith("story box not found on 15.0% of pages (at most 5.0%)")


def test_too_few_articles_to_judge():
    assert findings(stats(written=3, **{"newscrawl/coverage/authors": 0.0})) == set()
    assert findings(stats(written=3, **{"newscrawl/coverage/authors": 0.0}), min_articles=1) == {("authors", 0.0)}


def test_a_crawl_without_articles_has_no_findings():
    assert findings({"newscrawl/written/EditorialTeaser": 5}, min_articles=0) == set()


def test_crawl_logs_each_drift_as_an_error_and_marks_itself_unhealthy(crawl, tmp_path):
    plain = "https://www.dawn.com/news/1918140/x"  # a Dawn page without byline or image
    generic = "https://www.dawn.com/news/1990010/no-body-container"  # a page without story__content
    mirror = write_mirror(tmp_path / "mirror", {
        plain: (200, "text/html; charset=utf-8", (SITE / "news" / "1918140.html").read_bytes()),
        generic: (200, "text/html; charset=utf-8", (FIXTURES / "variants" / "no-body-container.html").read_bytes()),
    })
    result = crawl("-a", f"urls={plain},{generic}", mirror=mirror, settings={"NEWSCRAWL_DRIFT_MIN_ARTICLES": 1})
    assert len(result.articles) == 2
    assert {a["extractor"] for a in result.articles} == {"dawn", "generic"}
    assert result.stats["newscrawl/extractor/generic"] == 1
    assert f"No Dawn story body in {generic}" in result.log  # the generic extraction's warning names the page
    assert result.stats["newscrawl/unhealthy"] is True
    assert result.stats["newscrawl/drift/authors"] == 0.5 and result.stats["newscrawl/drift/generic_extractions"] == 0.5
    assert "newscrawl/drift/images" not in result.stats  # 50% is the threshold, not under it
    errors = [line for line in result.log.splitlines() if "ERROR" in line and "Extraction drift" in line]
    assert any("'authors'" in line and "50.0%" in line for line in errors)
    assert any("generic extractor" in line for line in errors)
    assert result.returncode == 5 and "newscrawl: exit 5: a drift alarm fired" in result.log  # not Scrapy's 0


def test_healthy_small_crawl_is_not_marked(crawl, tmp_path):
    url = "https://www.dawn.com/news/1918168/x"
    mirror = write_mirror(tmp_path / "mirror", {url: (200, "text/html; charset=utf-8",
                                                      (SITE / "news" / "1918168.html").read_bytes())})
    result = crawl("-a", f"urls={url}", mirror=mirror, settings={"NEWSCRAWL_DRIFT_MIN_ARTICLES": 1})
    assert len(result.articles) == 1 and "newscrawl/unhealthy" not in result.stats
    assert result.stats["newscrawl/coverage/body"] == 1.0 and result.stats["newscrawl/coverage_articles"] == 1


def test_coverage_counts_articles_that_validate_then_drops(crawl, tmp_path):
    good = "https://www.dawn.com/news/1918168/x"
    # a whole page with nothing in it: an Article with nothing, dropped (an empty body would be a truncated page)
    empty = "https://www.dawn.com/news/1990011/empty"
    mirror = write_mirror(tmp_path / "mirror", {
        good: (200, "text/html; charset=utf-8", (SITE / "news" / "1918168.html").read_bytes()),
        empty: (200, "text/html; charset=utf-8", b"<html><body></body></html>"),
    })
    result = crawl("-a", f"urls={good},{empty}", mirror=mirror, settings={"NEWSCRAWL_DRIFT_MIN_ARTICLES": 1})
    assert len(result.articles) == 1 and result.stats["newscrawl/dropped/missing_title"] == 1
    assert result.stats["newscrawl/coverage_articles"] == 2
    assert result.stats["newscrawl/coverage/body"] == 0.5 and result.stats["newscrawl/drift/body"] == 0.5
    assert result.stats["newscrawl/unhealthy"] is True


def test_pages_without_a_proven_story_box_fire_the_layout_alarm(crawl, tmp_path):
    dawn = "https://www.dawn.com/news/1918168/x"  # today's layout: its story box names its id
    redesigned = "https://www.dawn.com/news/1990014/rail-fares-cut-for-students"  # no story box at all
    mirror = write_mirror(tmp_path / "mirror", {
        dawn: (200, "text/html; charset=utf-8", (SITE / "news" / "1918168.html").read_bytes()),
        redesigned: (200, "text/html; charset=utf-8",
                     (FIXTURES / "variants" / "redesign-no-story-markup.html").read_bytes()),
    })
    result = crawl("-a", f"urls={dawn},{redesigned}", mirror=mirror,
                   settings={"NEWSCRAWL_DRIFT_MIN_ARTICLES": 1, "NEWSCRAWL_SUMMARY": 1})
    assert len(result.articles) == 2
    assert result.stats["newscrawl/story/not_found"] == 1 and result.stats["newscrawl/story/proven/id"] == 1
    assert result.stats["newscrawl/story/not_found_share"] == 0.5  # in last_crawl.json
    assert result.stats["newscrawl/drift/story_not_found"] == 0.5 and result.stats["newscrawl/unhealthy"] is True
    assert f"Story box not found in {redesigned}" in result.log
    errors = [line for line in result.log.splitlines() if "ERROR" in line and "Extraction drift" in line]
    assert any("story box not found on 50.0% of pages (at most 5.0%)" in line for line in errors)
    assert "story box not found: on 1 of 2 article pages (50.0%)" in result.log  # the summary


def test_every_story_box_proven_is_no_alarm_and_says_zero(crawl, tmp_path):
    url = "https://www.dawn.com/news/1918168/x"
    mirror = write_mirror(tmp_path / "mirror", {url: (200, "text/html; charset=utf-8",
                                                      (SITE / "news" / "1918168.html").read_bytes())})
    result = crawl("-a", f"urls={url}", mirror=mirror, settings={"NEWSCRAWL_DRIFT_MIN_ARTICLES": 1})
    assert result.stats["newscrawl/story/not_found"] == 0 and result.stats["newscrawl/story/not_found_share"] == 0.0
    assert "newscrawl/drift/story_not_found" not in result.stats
