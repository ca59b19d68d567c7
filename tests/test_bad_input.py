"""Bad input never crashes the crawl: each bad page ends as a counted, logged drop or skip."""

from testing.files import write_mirror

GOOD = """<html><head><link rel='canonical' href='https://www.dawn.com/news/100' />
<meta property='og:description' content='Summary.' /><title>Good - Pakistan - DAWN.COM</title></head><body>
<article class='story  box' data-id='100' data-tags=''>
 <h2 class='story__title  font-bold'><a class='story__link' href='https://www.dawn.com/news/100/good'>Good</a></h2>
 <span class='story__time'><span class='timestamp--label'>Published</span>
  <span class='timestamp--time timeago' title='2025-06-19T10:00:00+05:00'>19 Jun, 2025</span></span>
 <div class='story__content  text-lg'><p>KARACHI: A good page.</p><p>Second.</p></div>
</article></body></html>"""

NO_BODY = GOOD.replace("<div class='story__content  text-lg'><p>KARACHI: A good page.</p><p>Second.</p></div>", "")
TRUNCATED = GOOD[:GOOD.index("<span class='story__time'")]

PAGES = {
    "https://www.dawn.com/news/100/good": (200, "text/html; charset=utf-8", GOOD.encode()),
    "https://www.dawn.com/news/101/empty": (200, "text/html; charset=utf-8", b""),
    "https://www.dawn.com/news/102/truncated": (200, "text/html; charset=utf-8",
                                                TRUNCATED.replace("100", "102").encode()),
    "https://www.dawn.com/news/103/no-body": (200, "text/html; charset=utf-8", NO_BODY.replace("100", "103").encode()),
    "https://www.dawn.com/news/105/server-error": (500, "text/html", b"<html>oops</html>"),
    "https://www.dawn.com/news/106/image": (200, "image/jpeg", b"\xff\xd8\xff\xe0 not html"),
}


def test_each_bad_page_is_a_counted_drop_or_skip(crawl, tmp_path):
    mirror = write_mirror(tmp_path / "mirror", PAGES)
    urls = ",".join(list(PAGES) + ["https://www.dawn.com/news/104/not-in-mirror"])
    result = crawl("-a", f"urls={urls}", mirror=mirror, settings={"RETRY_TIMES": 1})
    stats = result.stats
    assert stats["finish_reason"] == "finished"
    assert [a["article_id"] for a in result.articles] == [100]  # the good page still made it
    # the empty page and the one cut off before its time and body: retried (RETRY_TIMES=1), never parsed
    assert stats["newscrawl/dropped/truncated"] == 2
    assert stats["newscrawl/truncated/no_document_end"] == 4
    assert "newscrawl/dropped/missing_title" not in stats and "newscrawl/dropped/missing_published_at" not in stats
    assert stats["newscrawl/dropped/missing_body"] == 1  # the page with no body
    assert stats["newscrawl/skipped/http_404"] == 1
    assert stats["newscrawl/skipped/http_500"] == 1
    assert stats["newscrawl/skipped/non_html"] == 1
    assert "log_count/CRITICAL" not in stats and "spider_exceptions" not in " ".join(stats)
    for article_id in range(101, 107):
        assert f"https://www.dawn.com/news/{article_id}" in result.log  # each one logged with its URL


def test_a_broken_mirror_stops_the_crawl_with_its_reason(crawl, tmp_path):
    result = crawl("-a", "urls=https://www.dawn.com/news/1", mirror=tmp_path / "nowhere")
    assert result.articles == []
    assert "no manifest.jsonl" in result.log
