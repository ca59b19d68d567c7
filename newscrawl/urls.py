"""What a Dawn URL is: article or not, its id, its canonical form.

The numeric id is an article's identity: `/news/1532195/some-slug`, `/news/1532195` and
`/news/1532195/other-slug?utm_source=x` are one article, whose canonical URL has no slug.

Every URL read here comes from a page or a feed, so none is trusted: a malformed one ("http://[oops/") or an id
outside ARTICLE_ID_RANGE is no article (`article_id_from_url` says None), and `web_url_problem` says why. `page_kind` says which parser
a URL needs.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

SITE_HOST = "www.dawn.com"
SITE_ROOT = f"https://{SITE_HOST}"

# The one bound on article ids, for URLs, canonical links and the state store. Dawn's ids are 7 digits today
# (1.9 million in 2025); a billion leaves room for decades and stays far inside SQLite's 64-bit INTEGER.
ARTICLE_ID_RANGE = range(1, 1_000_000_000)
_MAX_ID_DIGITS = len(str(ARTICLE_ID_RANGE.stop))  # leading zeros aside, a longer number is out of range

# `amp` pages (/news/amp/<id>) are the same article too.
_ARTICLE_PATH = re.compile(r"^/news/(?:amp/)?([0-9]+)(?:/[^/?#]*)?/?$")
# Control characters, spaces and bytes that a flipped bit or a wrong charset leaves in a URL.
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f]")


class BadUrl(ValueError):
    """A URL that cannot be read; `reason` is the stats key of why (`bad_url`, `article_id_out_of_range`)."""

    def __init__(self, reason: str, url: str):
        super().__init__(f"{reason}: {url[:200]!r}")
        self.reason = reason


def is_article_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in ARTICLE_ID_RANGE


def checked_article_id(url: str | None) -> int | None:
    """The article id of a www.dawn.com article URL; None for any other URL (other hosts included);
    BadUrl for a URL that does not parse or names an id outside ARTICLE_ID_RANGE."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # "Invalid IPv6 URL" and the like
        raise BadUrl("bad_url", url) from None
    if parts.scheme not in ("http", "https", "") or (parts.netloc and parts.netloc.lower() != SITE_HOST):
        return None
    match = _ARTICLE_PATH.match(parts.path)
    if not match:
        return None
    digits = match.group(1).lstrip("0")
    if len(digits) > _MAX_ID_DIGITS or (article_id := int(digits or "0")) not in ARTICLE_ID_RANGE:
        raise BadUrl("article_id_out_of_range", url)
    return article_id


def article_id_from_url(url: str | None) -> int | None:
    """The article id of a www.dawn.com article URL, or None for anything else (bad URLs included)."""
    try:
        return checked_article_id(url)
    except BadUrl:
        return None


def absolute_url(base: str, href: str | None) -> str | None:
    """`href` resolved against `base`, or None when it does not parse."""
    try:
        return urljoin(base, (href or "").strip())
    except ValueError:
        return None


def web_url_problem(url) -> str | None:
    """Why `url` is not a usable absolute http(s) URL ("scheme", "host", "characters"), or None when it is."""
    if not isinstance(url, str):
        return "scheme"
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        return "host"
    if parts.scheme not in ("http", "https"):
        return "scheme"
    if not hostname or not re.fullmatch(r"[a-z0-9._-]+", hostname):
        return "host"
    if _UNSAFE_URL_CHARS.search(url):
        return "characters"
    return None


def canonical_article_url(article_id: int) -> str:
    return f"{SITE_ROOT}/news/{article_id}"


def is_amp_url(url: str | None) -> bool:
    """An AMP copy's URL, `https://www.dawn.com/news/amp/<id>`."""
    try:
        return article_id_from_url(url) is not None and urlsplit(url.strip()).path.startswith("/news/amp/")
    except ValueError:
        return False


def request_url(url: str) -> str:
    """The URL to request for a link: an AMP copy's is its article's canonical URL (the canonical page is the
    article, one request per id whichever form links to it); any other URL as it is."""
    return canonical_article_url(article_id_from_url(url)) if is_amp_url(url) else url


def strip_query(url: str) -> str:
    """The URL without query string and fragment: tracking parameters never name another page here."""
    parts = urlsplit(url)
    return parts._replace(query="", fragment="").geturl()


def page_kind(url: str) -> str:
    """Which parser a URL needs: "article", "sitemap", "feed" or "listing"."""
    if article_id_from_url(url) is not None:
        return "article"
    path = urlsplit(url).path
    if path.startswith("/feeds/sitemap") or path.endswith((".xml", ".xml.gz")) and "sitemap" in path:
        return "sitemap"
    if path.startswith("/feeds/"):
        return "feed"
    return "listing"
