"""What a Dawn URL is: article or not, its id, its canonical form.

The numeric id is an article's identity: `/news/1532195/some-slug`, `/news/1532195` and
`/news/1532195/other-slug?utm_source=x` are one article, whose canonical URL has no slug.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SITE_HOST = "www.dawn.com"
SITE_ROOT = f"https://{SITE_HOST}"

# `amp` pages (/news/amp/<id>) are the same article too.
_ARTICLE_PATH = re.compile(r"^/news/(?:amp/)?(\d+)(?:/[^/?#]*)?/?$")


def article_id_from_url(url: str | None) -> int | None:
    """The article id of a www.dawn.com article URL, or None for anything else (other hosts included)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https", "") or (parts.netloc and parts.netloc.lower() != SITE_HOST):
        return None
    match = _ARTICLE_PATH.match(parts.path)
    return int(match.group(1)) if match else None


def canonical_article_url(article_id: int) -> str:
    return f"{SITE_ROOT}/news/{article_id}"


def strip_query(url: str) -> str:
    """The URL without query string and fragment: tracking parameters never name another page here."""
    parts = urlsplit(url)
    return parts._replace(query="", fragment="").geturl()
