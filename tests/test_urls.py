from newscrawl.urls import article_id_from_url, canonical_article_url, strip_query


def test_article_ids_from_every_link_form():
    assert article_id_from_url("https://www.dawn.com/news/1532195/pompeo-urges") == 1532195
    assert article_id_from_url("https://www.dawn.com/news/1532195") == 1532195
    assert article_id_from_url("https://www.dawn.com/news/1532195/") == 1532195
    assert article_id_from_url("https://www.dawn.com/news/1532195/other-slug?utm_source=x#top") == 1532195
    assert article_id_from_url("https://www.dawn.com/news/amp/1532195") == 1532195
    assert article_id_from_url("/news/1532195/relative") == 1532195


def test_other_hosts_and_pages_are_not_articles():
    assert article_id_from_url("https://images.dawn.com/news/1193556/dear-chatgpt") is None
    assert article_id_from_url("https://aurora.dawn.com/news/1145487/x") is None
    assert article_id_from_url("https://www.dawn.com/authors/153/anwar-iqbal") is None
    assert article_id_from_url("https://www.dawn.com/latest-news") is None
    assert article_id_from_url("https://www.dawn.com/news/abc") is None
    assert article_id_from_url("mailto:someone@dawn.com") is None
    assert article_id_from_url(None) is None


def test_canonical_and_query():
    assert canonical_article_url(1532195) == "https://www.dawn.com/news/1532195"
    assert strip_query("https://www.dawn.com/news/1/a?x=1#y") == "https://www.dawn.com/news/1/a"
