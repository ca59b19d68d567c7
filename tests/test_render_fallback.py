"""A render that fails never loses a page whose plain HTML has a body (issue #21): with Chromium missing, a render
that times out and a browser that crashes, the Article is what the plain download gave, marked `render_failed`
and counted (newscrawl/render/fallback/plain_html); a page whose plain HTML gives no body is dropped and counted
(newscrawl/dropped/render_failed), never skipped silently. Real Chromium, offline (a mirror)."""

from testing.chromium import BROWSER_CRAWL_TIMEOUT, require_chromium
from testing.files import write_mirror

URL = "https://www.dawn.com/news/9000010"
EMPTY_BODY_URL = "https://www.dawn.com/news/9000011"
# the body is in the plain HTML; the Opinion/Editorial widget is empty (a script should fill it): a render is needed
PAGE = """<!DOCTYPE html><html><head><title>{title} - Pakistan - DAWN.COM</title>
<link rel='canonical' href='https://www.dawn.com/news/{id}' />
<meta property='article:published_time' content='2025-06-19T10:00:00+05:00' /></head><body>
<article class='story' data-id='{id}' id='{id}'><div class='story__header'>
<h2 class='story__title'><a class='story__link' href='https://www.dawn.com/news/{id}/x'>{title}</a></h2></div>
<div class='story__content'>{body}</div></article>
<div class='widget widget--editorial'><h2 class='badge'>Opinion</h2><h3 class='badge'>Editorial</h3></div>
</body></html>"""
BODY = "<p>KARACHI: The plain HTML holds the whole story.</p><p>Second paragraph.</p>"


def fallback_crawl(crawl, tmp_path, settings: dict):
    mirror = write_mirror(tmp_path / "mirror", {
        URL: (200, "text/html; charset=utf-8", PAGE.format(id=9000010, title="Plain body", body=BODY).encode()),
        EMPTY_BODY_URL: (200, "text/html; charset=utf-8", PAGE.format(id=9000011, title="Empty", body="").encode())})
    result = crawl("-a", f"urls={URL},{EMPTY_BODY_URL}", mirror=mirror, timeout=BROWSER_CRAWL_TIMEOUT,
                   settings=settings)
    stats = result.stats
    assert stats["finish_reason"] == "finished", result.log[-3000:]
    [article] = result.articles
    assert article["article_id"] == 9000010
    assert article["body"] == "KARACHI: The plain HTML holds the whole story.\n\nSecond paragraph."
    assert stats["newscrawl/render/needed/empty_sidebar"] == 2
    assert stats["newscrawl/render/failures"] == 2
    assert stats["newscrawl/render/fallback/plain_html"] == 2
    assert stats["newscrawl/dropped/render_failed"] == 1  # the empty page: nothing to give
    assert not [k for k in stats if k.startswith("newscrawl/skipped/")]
    assert f"Render failed for {URL}" in result.log and f"Dropped {EMPTY_BODY_URL}: its render failed" in result.log
    return article, stats


def test_chromium_missing(crawl, tmp_path):
    article, stats = fallback_crawl(crawl, tmp_path, {
        "PLAYWRIGHT_LAUNCH_OPTIONS": '{"executable_path": "/nonexistent/chromium", "headless": true}'})
    assert article["render_failed"] == "Error"  # Playwright's: "Executable doesn't exist"
    assert "newscrawl/render/pages" not in stats


def test_a_render_that_times_out(crawl, tmp_path):
    require_chromium()
    # the sidebar never comes: the wait outlasts the whole-render bound
    article, stats = fallback_crawl(crawl, tmp_path, {"NEWSCRAWL_RENDER_TIMEOUT": "3", "NEWSCRAWL_RENDER_WAIT": "60"})
    assert article["render_failed"] == "TimeoutError"
    assert stats["newscrawl/render/failures/TimeoutError"] == 2


def test_a_browser_that_crashes(crawl, tmp_path):
    require_chromium()
    article, stats = fallback_crawl(crawl, tmp_path, {
        "NEWSCRAWL_RENDER_HANDLER": "tests.render_crash.CrashingRenderHandler",
        # a crashed browser stays down (scrapy-playwright would start another one and render again)
        "PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER": "False",
        "NEWSCRAWL_RENDER_TIMEOUT": "20", "NEWSCRAWL_RENDER_WAIT": "15"})
    assert article["render_failed"] not in (None, "TimeoutError")  # the crash's error, not a wait that ran out
    assert "newscrawl/render/pages" not in stats

