"""Which page needs a browser, and the scrapy-playwright request for it: the spider's side of rendering.
Pure but for RenderPolicy, which reads the settings and counts; the browser itself is newscrawl/downloader/browser.py.

Every page is downloaded plainly first. The spider asks `RenderPolicy.reasons()` whether the plain HTML lacks
what its items need; only then is the page requested again with meta `playwright: True`, rendered by
scrapy-playwright in Chromium (newscrawl.downloader.browser.RenderDownloader), and the rendered HTML goes through the same
parser and pipelines.

Signs that a page needs rendering (all from the markup vocabulary of docs/DAWN_MARKUP.md):

- `empty_body`: an article whose body container (`div.story__content`) is present but holds no text
  (`DawnArticlePage.has_empty_body_container()`): a script fills it in.
- `live_updates`: a live-updates block (`live-updates`, the BEM block a live blog's entries are in) whose entries
  are not in the plain HTML: no entry shows text, in the block (whatever the entries' markup) or among the block's
  elements elsewhere (`live-updates__*`); placeholders (a `*placeholder*`, `*skeleton*`, `*loading*` or `*spinner*`
  class, "Loading...") and scripts are no entries. A live page whose server sent its entries is read as it is: the
  class name alone is no reason.
- `empty_sidebar`: the Opinion/Editorial sidebar block (`widget--editorial`) is present but holds no `story`
  teaser: a script fills it. (Other empty widgets, such as `widget-popular`, hold nothing an item needs and
  never cause a render.)
- `pattern`: the URL matches one of NEWSCRAWL_RENDER_PATTERNS.

Only HTML pages (articles and listings) are ever rendered; feeds, sitemaps and robots.txt never are.

A render request carries the plain HTML (meta PLAIN_HTML_META): when the render fails (no Chromium, a timeout, a
crash), `RenderPolicy.plain_fallback` gives the page back as it was downloaded, marked (RENDER_FAILED_META), and it
is read as it is: an Article from it says `render_failed` (newscrawl/crawl/article_items.py), a page that gives no
body is dropped and counted. Never a silent skip.
"""

from __future__ import annotations

import logging
import re

from scrapy import Request
from scrapy.http import HtmlResponse

from newscrawl.crawl import outcomes
from newscrawl.downloader.browser import RenderFailed
from newscrawl.extraction import DawnArticlePage
from newscrawl.extraction.body import is_clock
from newscrawl.extraction.html import (class_tokens, compiled_xpath, elements_with_class, has_class, page_index,
                                      text_of)
from newscrawl.stats_keys import DROPPED, RENDER

logger = logging.getLogger(__name__)

STAT = RENDER
DROP_STAT = f"{DROPPED}/needs_render"
FALLBACK_STAT = f"{RENDER}/fallback/plain_html"  # pages read from their plain HTML after a failed render
PLAIN_HTML_META = "newscrawl_plain_html"  # on a render request: the plain download's HTML, for the fallback
RENDER_FAILED_META = "newscrawl_render_failed"  # on a fallback response: why the render failed (exception type)

# What the render waits for (attached to the DOM), by reason: the part the plain HTML lacked.
WAIT_SELECTORS = {
    "empty_body": ".story__content p, .story__content h2, .story__content h3, .story__content li",
    "live_updates": ".live-updates p, .live-updates li, .live-updates__entry:not([class*='placeholder'])"
                    ":not([class*='skeleton']):not([class*='loading'])",
    "empty_sidebar": ".widget--editorial .story",
    "pattern": ".story",
}
RENDERED_KINDS = ("article", "listing")


# ---- the decision ---------------------------------------------------------------------------------------
PLACEHOLDER_MARKS = ("placeholder", "skeleton", "loading", "spinner")
_LOADING = re.compile(r"(?i)\W*loading\b[\w ]{0,30}\W*")  # "Loading...", "Loading updates…": a placeholder's words


def _is_clock(element) -> bool:
    return element.tag == "time" or is_clock(element)


def _shown_text(element) -> str:
    """What an entry shows a reader, its clock times aside: nothing for a placeholder (its class says so, or it
    only says "Loading")."""
    if not isinstance(element.tag, str) or _is_clock(element) or any(
            mark in token for token in class_tokens(element) for mark in PLACEHOLDER_MARKS):
        return ""
    text = text_of(element)
    for clock in (el for el in element.iterdescendants() if isinstance(el.tag, str) and _is_clock(el)):
        text = text.replace(text_of(clock), "", 1)
    return "" if _LOADING.fullmatch(text) else text.strip()


def has_unfilled_live_updates(root) -> bool:
    """A live-updates block (`live-updates`) and no entry showing text: in the block (whatever its entries' markup)
    nor among the block's elements elsewhere (`live-updates__entry`, `live-updates__post`, ...; not their clock
    times). Placeholders, "Loading..." and scripts are no entries."""
    blocks = elements_with_class(root, "live-updates")
    if not blocks:
        return False
    entries = [child for block in blocks for child in block]
    entries += [el for el in page_index(root).elements if any(
        token.startswith("live-updates__") for token in class_tokens(el))]
    return not any(_shown_text(el) for el in entries) and all(
        _LOADING.fullmatch(block.text or "") or not (block.text or "").strip() for block in blocks)


_MAY_BE_STORIES = compiled_xpath("descendant::*/@class[contains(., 'story')]/..")  # then the exact test


def has_empty_editorial_sidebar(root) -> bool:
    return any(not any(has_class(el, "story") for el in _MAY_BE_STORIES(widget))
               for widget in elements_with_class(root, "widget--editorial"))


def render_reasons(selector, url: str, kind: str, patterns: list[re.Pattern] = (), article_page=None) -> list[str]:
    """Why the plain HTML of this page is not enough ([] when it is). Pure: no Scrapy, no I/O. For an article,
    `article_page` is its page object, the one the Article is then read from (made here when not given)."""
    if kind not in RENDERED_KINDS:
        return []
    reasons = []
    if any(p.search(url) for p in patterns):
        reasons.append("pattern")
    root = selector.root
    if kind == "article" and (article_page or DawnArticlePage(selector, url)).has_empty_body_container():
        reasons.append("empty_body")
    if has_unfilled_live_updates(root):
        reasons.append("live_updates")
    if has_empty_editorial_sidebar(root):
        reasons.append("empty_sidebar")
    return reasons


class RenderPolicy:
    """The spider's side: decide, and build the playwright request (or drop the page when rendering is off)."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.enabled = settings.getbool("NEWSCRAWL_RENDER")
        self.pattern_texts = tuple(p for p in settings.getlist("NEWSCRAWL_RENDER_PATTERNS") if p.strip())
        self.patterns = [re.compile(p) for p in self.pattern_texts]
        self.wait_ms = settings.getfloat("NEWSCRAWL_RENDER_WAIT") * 1000
        # below the whole-render bound, so a slow navigation fails inside scrapy-playwright, which closes its page
        self.navigation_ms = settings.getfloat("NEWSCRAWL_RENDER_TIMEOUT") * 800

    @staticmethod
    def rendered(response) -> bool:
        return bool(response.meta.get("playwright"))

    def reasons(self, response, kind: str) -> list[str]:
        """For a listing (an article page's are read with it: newscrawl/crawl/article_reader.py)."""
        if self.rendered(response):
            return []  # already rendered: parse what the browser gave
        return render_reasons(response.selector, response.url, kind, self.patterns)

    def rerender(self, response, reasons: list[str]) -> Request | None:
        """The request that renders this page, or None (counted, logged) when rendering is off."""
        for reason in reasons:
            self.stats.inc_value(f"{STAT}/needed/{reason}")
        if not self.enabled:
            self.stats.inc_value(DROP_STAT)
            logger.warning("Dropped %s: needs rendering (%s) and NEWSCRAWL_RENDER is off [needs_render]",
                           response.url, ", ".join(reasons))
            outcomes.announce_page(self.crawler, response.request, outcomes.DROPPED, "needs_render", ", ".join(reasons))
            return None
        return response.request.replace(
            dont_filter=True,  # the same URL again, on purpose
            meta={**response.request.meta, **self.render_meta(reasons), PLAIN_HTML_META: response.text},
        )

    def plain_fallback(self, failure) -> HtmlResponse | None:
        """The page as its plain download gave it, when its render failed (None for any other failure): read as
        it is, marked with why the render failed, so that what the plain HTML holds is not lost."""
        request = failure.request
        html = request.meta.get(PLAIN_HTML_META)
        if html is None or not failure.check(RenderFailed):
            return None
        self.stats.inc_value(FALLBACK_STAT)
        cause = getattr(failure.value, "cause", None) or "RenderFailed"
        logger.warning("Render failed for %s (%s): reading its plain HTML instead", request.url, cause)
        request = request.replace(meta={**request.meta, RENDER_FAILED_META: cause})
        return HtmlResponse(request.url, body=html.encode("utf-8"), encoding="utf-8", request=request)

    def render_meta(self, reasons: list[str]) -> dict:
        from scrapy_playwright.page import PageMethod

        waits = [PageMethod("wait_for_selector", WAIT_SELECTORS[r], state="attached", timeout=self.wait_ms)
                 for r in reasons if r in WAIT_SELECTORS]
        return {
            "playwright": True,
            "playwright_context": "render",
            "playwright_context_kwargs": {"java_script_enabled": True, "service_workers": "block",
                                          "accept_downloads": False},
            "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded", "timeout": self.navigation_ms},
            "playwright_page_methods": waits,
            "dont_retry": True,  # a render that failed once fails again: newscrawl.downloader.browser.RenderFailed is counted instead
        }
