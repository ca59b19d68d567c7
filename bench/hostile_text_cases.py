"""#20 classes 1-6 as whole crawls (spider, pipelines, writer, state store) of a hostile site (bench/hostile_site.py):
redirects of an article to itself, redirects that must be refused, lone surrogates, garbage text, unlabeled
encodings, cookies. Each case says, by hand, what a demanding user expects: which articles are written with which
values, and which are counted (and under which reason) instead. `judge` measures a crawl against it:

- lost: an article neither written nor counted under its expected reason;
- garbled: a written value holding a control character, a noncharacter, U+FFFD, a lone surrogate, nothing visible,
  or more characters than its field's limit; or a written value other than the expected one;
- uncaught: spider exceptions, parser errors, CRITICAL lines, "Error processing" (a pipeline that raised);
- off_host: a name lookup or connection to any host but 127.0.0.1 (bench/hostile_site.py's guard);
- exit: the exit code is not the one expected (10 when articles were lost to these hazards, else 0).

Used by bench/hostile.py (the figures in docs/SURVIVES.md) and tests/test_hostile_text.py (one test per class).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from bench.hostile_site import SITE, HostileSite, guarded_crawl, json_or_none, page, redirect, story_page

FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": 0, "NEWSCRAWL_RENDER": 0, "RETRY_TIMES": 1,
        "NEWSCRAWL_EXTRACT_PROCESSES": 0}
# what no written value may hold (docs/OUTPUT.md, "Text sanitation")
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff\ufffd\u200b\u2060\ufeff]")
LIMITS = {"title": 500, "summary": 5_000, "authors": 200, "section": 200, "tags": 200, "caption": 5_000}


@dataclass
class Case:
    name: str
    pages: dict  # URL -> (status, headers, body); "{port}" in a URL or header is the site's port
    urls: list[str]  # crawled with -a urls
    written: dict[int, dict]  # article id -> the values it must be written with (a subset of its fields)
    counted: dict[str, int] = field(default_factory=dict)  # stats key (without "newscrawl/") -> count
    settings: dict = field(default_factory=dict)
    exit_code: int = 0
    check: object = None  # (site, crawl) -> list of problems, for what the values cannot say


def redirects_same_article() -> Case:
    """Class 1: a redirect to the same article is followed once, past the dupefilter, to the non-AMP form."""
    ids = range(2_000_001, 2_000_006)
    pages = {
        "http://www.dawn.com/news/2000001": redirect(f"{SITE}/news/2000001"),
        f"{SITE}/news/2000002/": redirect(f"{SITE}/news/2000002"),
        f"{SITE}/news/2000003": redirect("/news/2000003/the-slug"),
        f"{SITE}/news/2000003/the-slug": page(2_000_003, title="Story 2000003"),
        f"{SITE}/news/2000004": redirect(f"{SITE}/news/amp/2000004", 302),  # the AMP page is all there is
        f"{SITE}/news/amp/2000004": page(2_000_004, title="Story 2000004"),
        f"{SITE}/news/2000005/old-slug": redirect(f"{SITE}/news/amp/2000005"),  # followed as /news/2000005
    }
    for article_id in (2_000_001, 2_000_002, 2_000_005):
        pages[f"{SITE}/news/{article_id}"] = page(article_id, title=f"Story {article_id}")
    urls = ["http://www.dawn.com/news/2000001", f"{SITE}/news/2000002/", f"{SITE}/news/2000003",
            f"{SITE}/news/2000004", f"{SITE}/news/2000005/old-slug"]

    def check(site, crawl):
        asked = [url for url, _ in site.requests]
        return [] if f"{SITE}/news/amp/2000005" not in asked else ["the AMP URL was fetched, not its canonical form"]
    return Case("redirects_same_article", pages, urls, {i: {"title": f"Story {i}"} for i in ids}, check=check)


def redirects_refused() -> Case:
    """Class 2: a loop, a self-redirect, another host, a private address: counted skips with a reason."""
    pages = {
        f"{SITE}/news/2000011": redirect(f"{SITE}/news/2000011/a"),
        f"{SITE}/news/2000011/a": redirect(f"{SITE}/news/2000011"),
        f"{SITE}/news/2000012": redirect(f"{SITE}/news/2000012"),
        f"{SITE}/news/2000013": redirect("https://news.example.org/news/2000013"),
        "https://news.example.org/news/2000013": page(2_000_013),
        # another Dawn property: the story moved there (counted, in the ledger as moved), not lost
        f"{SITE}/news/2000016": redirect("https://herald.dawn.com/news/2000016"),
        "https://herald.dawn.com/news/2000016": page(2_000_016),
        f"{SITE}/news/2000014": redirect("http://127.0.0.1:{port}/news/2000014", 302),
        "http://127.0.0.1:{port}/news/2000014": page(2_000_014),
        f"{SITE}/news/2000015": page(2_000_015, title="Still written"),
    }
    counted = {f"skipped/redirect_{r}": 1 for r in ("loop", "self", "off_host", "private_address")}
    counted.update({f"lost/redirect_{r}": 1 for r in ("loop", "self", "off_host", "private_address")})
    counted["skipped/redirect_moved"] = 1

    def check(site, crawl):
        asked = [url for url, _ in site.requests]
        return [f"followed to {url}" for url in asked if "example.org" in url or "herald" in url or
                url.startswith("http://127.0.0.1")]
    return Case("redirects_refused", pages, [u for u in pages if u.startswith(SITE) and "/a" not in u],
                {2_000_015: {"title": "Still written"}}, counted, exit_code=10, check=check)


def lone_surrogates() -> Case:
    """Class 3: `\\ud83d` alone in JSON-LD, through every string field the page's JSON-LD gives."""
    def jsonld(**values):
        node = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Fed keeps rates",
                "description": "Forecasts higher inflation.", "author": {"@type": "Person", "name": "Reuters"},
                "articleSection": "Business", "keywords": "rates,Fed", "image": "https://i.dawn.com/fed.jpg", **values}
        # a JSON escape, as the CMS writes it: the HTML stays plain ASCII
        return json.dumps(node).replace("SURROGATE", "\\ud83d")
    broken = {
        2_000_021: ({"description": "Fed SURROGATE"}, {"summary": "Fed"}),
        2_000_022: ({"author": {"@type": "Person", "name": "Staff SURROGATE"}}, {"authors": ["Staff"]}),
        2_000_023: ({"articleSection": "BusiSURROGATEness"}, {"section": "Business"}),
        2_000_024: ({"keywords": "rates,SURROGATE,Fed SURROGATE"}, {"tags": ["rates", "Fed"]}),
        2_000_025: ({"image": "https://i.dawn.com/fedSURROGATE.jpg"}, {"images": []}),
        2_000_026: ({"headline": "Fed SURROGATE keeps rates"}, {"title": "Fed keeps rates"}),
    }
    pages = {f"{SITE}/news/{i}": page(i, title=None, byline=None, title_tag=False, jsonld=jsonld(**values))
             for i, (values, _) in broken.items()}
    # read in a worker process (NEWSCRAWL_EXTRACT_PROCESSES): the surrogates cross the process boundary too
    return Case("lone_surrogates", pages, list(pages), {i: expected for i, (_, expected) in broken.items()},
                settings={"NEWSCRAWL_EXTRACT_PROCESSES": 1})


def garbage_text() -> Case:
    """Class 4: control characters, noncharacters, invisible titles, U+FFFD, over-long values."""
    nul = json.dumps({"@type": "NewsArticle", "description": "Fed\u0000 keeps \u0007rates"})
    pages = {
        f"{SITE}/news/2000031": page(2_000_031, title="Control\x01 characters\x1f here", jsonld=nul, title_tag=False,
                                     body=("KARACHI: A raw\x0b vertical tab.", "Second\x7f.")),
        f"{SITE}/news/2000032": page(2_000_032, title="Nonchar\ufffe\uffff story",
                                     body=("KARACHI: Bytes\ufffe that\uffff are no characters.",)),
        f"{SITE}/news/2000033": page(2_000_033, title="\u200b\u200c\u200d\ufeff"),
        f"{SITE}/news/2000034": page(2_000_034, title="Replacement story", byline="Reu\ufffdters",
                                     caption="A capt\ufffdion", head="<meta name='description' content='Sum\ufffd'>"),
        f"{SITE}/news/2000035": page(2_000_035, title="Two replacements",
                                     body=("KARACHI: One \ufffd and two \ufffd.",)),
        f"{SITE}/news/2000036": page(2_000_036, title="T" * 200_000),
        f"{SITE}/news/2000037": page(2_000_037, title="Long caption", caption="c" * 99_999),
    }
    written = {
        2_000_031: {"title": "Control characters here", "summary": "Fed keeps rates",
                    "body": "KARACHI: A raw vertical tab.\n\nSecond."},
        2_000_032: {"title": "Nonchar story", "body": "KARACHI: Bytes that are no characters."},
        2_000_034: {"title": "Replacement story", "authors": [], "summary": None,
                    "images": [{"url": "https://i.dawn.com/primary/2000034.jpg", "caption": None}]},
        2_000_037: {"images": [{"url": "https://i.dawn.com/primary/2000037.jpg", "caption": None}]},
    }
    counted = {"dropped/text_invisible_title": 1, "dropped/mojibake": 1, "dropped/text_too_long_title": 1,
               "lost/text_invisible_title": 1, "lost/mojibake": 1, "lost/text_too_long_title": 1}
    return Case("garbage_text", pages, list(pages), written, counted, exit_code=10)


def encodings() -> Case:
    """Class 5: no charset anywhere (cp1252, latin-1), and UTF-16 with and without a BOM."""
    text = "naïve café – “quoted” résumé"
    latin = "naïve café résumé"
    unlabeled = [("Content-Type", "text/html")]

    def body(article_id, title, codec, bom=b""):
        return 200, unlabeled, bom + story_page(article_id, title=title, body=(f"KARACHI: {title}.",)).encode(codec)
    pages = {
        f"{SITE}/news/2000041": body(2_000_041, text, "cp1252"),
        f"{SITE}/news/2000042": body(2_000_042, latin, "latin-1"),
        f"{SITE}/news/2000043": body(2_000_043, text, "utf-16"),  # Python writes the BOM
        f"{SITE}/news/2000044": body(2_000_044, text, "utf-16-le"),  # no BOM, no label
    }
    written = {i: {"title": t, "body": f"KARACHI: {t}."}
               for i, t in ((2_000_041, text), (2_000_042, latin), (2_000_043, text), (2_000_044, text))}
    return Case("encodings", pages, list(pages), written)


def cookies() -> Case:
    """Class 6: robots.txt sets 3,000 cookies; a 16 KB header limit; the Public Suffix List never downloaded."""
    set_cookies = [("Set-Cookie", f"c{n}={'v' * 40}; Path=/") for n in range(3_000)]
    pages = {f"{SITE}/robots.txt": (200, [("Content-Type", "text/plain"), *set_cookies], b"User-agent: *\n"),
             **{f"{SITE}/news/{i}": page(i, title=f"Story {i}") for i in range(2_000_051, 2_000_055)}}

    def check(site, crawl):
        return [f"{url} sent a Cookie header of {length} bytes" for url, length in site.requests if length > 4096]
    return Case("cookies", pages, [u for u in pages if "/news/" in u],
                {i: {"title": f"Story {i}"} for i in range(2_000_051, 2_000_055)}, check=check)


CASES = (redirects_same_article, redirects_refused, lone_surrogates, garbage_text, encodings, cookies)


def garbled_values(article: dict) -> list[str]:
    """Why a written Article's values are garbage (docs/OUTPUT.md's promises), [] when none is."""
    problems = []

    def walk(value, name):
        if isinstance(value, str):
            if FORBIDDEN.search(value):
                problems.append(f"{name}: forbidden character {FORBIDDEN.search(value).group()!r}")
            if value and not value.strip("\u200c\u200d \n"):
                problems.append(f"{name}: nothing visible")
            if len(value) > LIMITS.get(name, 10**9):
                problems.append(f"{name}: {len(value)} characters")
        elif isinstance(value, list):
            for entry in value:
                walk(entry, name)
        elif isinstance(value, dict):
            for key, entry in value.items():
                walk(entry, key)
    for name, value in article.items():
        walk(value, name)
    return problems


def run(case: Case, work: Path) -> tuple[dict, object]:
    """Crawl the case's site under the outbound guard; its measure (judge) and the crawl."""
    with HostileSite({}) as site:
        def fill(text):
            return text.replace("{port}", str(site.port)) if isinstance(text, str) else text
        site.pages.update({fill(url): (status, [(k, fill(v)) for k, v in headers], body)
                           for url, (status, headers, body) in case.pages.items()})
        urls = [fill(url) for url in case.urls]
        crawl = guarded_crawl(work / case.name, {**site.settings(), **FAST, **case.settings}, "-a",
                              f"urls={','.join(urls)}")
        problems = case.check(site, crawl) if case.check else []
    return judge(case, crawl, problems), crawl


def judge(case: Case, crawl, problems: list[str]) -> dict:
    stats = crawl.stats
    written = {a.get("article_id"): a for a in crawl.articles}
    lost = [i for i in case.written if i not in written]
    lost += [key for key, count in case.counted.items() if stats.get(f"newscrawl/{key}", 0) != count]
    garbled = [f"{i} {p}" for i, a in written.items() for p in garbled_values(a)]
    garbled += [f"{i} {name}={a.get(name)!r:.80}" for i, want in case.written.items() if (a := written.get(i))
                for name, value in want.items() if a.get(name) != value]
    garbled += [f"line not JSON: {line[:80]!r}" for line in crawl.lines if json_or_none(line) is None]
    uncaught = (sum(v for k, v in stats.items() if k.startswith("spider_exceptions/") and not k.endswith("/count"))
                + stats.get("newscrawl/dropped/parser_error", 0) + stats.get("log_count/CRITICAL", 0)
                + crawl.log.count("Error processing"))
    hosts = {k.rsplit("/", 1)[1] for k in stats if k.startswith("newscrawl/requests_by_host/")}
    return {"lost": len(lost), "lost_detail": lost, "garbled": len(garbled), "garbled_detail": garbled[:10],
            "uncaught": uncaught, "off_host": len(crawl.outbound) + len(hosts - {"www.dawn.com"}),
            "outbound": crawl.outbound[:5], "exit": crawl.returncode, "exit_ok": crawl.returncode == case.exit_code,
            "problems": problems, "written": len(written), "finish_reason": stats.get("finish_reason")}


def run_all(work: Path) -> dict:
    """Every case, one crawl each: bench/hostile.py's "text" section."""
    return {make().name: run(make(), work)[0] for make in CASES}


def totals(results: dict) -> dict:
    """The sums bench/hostile.py adds to its own, and one line per case."""
    runs = results.values()
    return {"lost": sum(r["lost"] for r in runs), "garbled": sum(r["garbled"] for r in runs),
            "uncaught": sum(r["uncaught"] for r in runs), "off_host": sum(r["off_host"] for r in runs),
            "wrong_exit_code": sum(not r["exit_ok"] for r in runs),
            "lines": [f"text {name}: {r['written']} written, lost {r['lost']}, garbled {r['garbled']}, uncaught "
                      f"{r['uncaught']}, off-host {r['off_host']}, exit {r['exit']}" for name, r in results.items()]}
