#!/usr/bin/env python3
"""Fault and fuzz bench (#9): what the crawler survives, reproduced in one run, bounded in time. 127.0.0.x only.

    .venv/bin/python bench/hostile.py [--fuzz N] [--seed S] [--skip-browser]

1. Faults: the offline site (fixtures/site) served by a local HTTP server (testing/local_site.py) that fails 20%,
   then 70% of the requests (cut-short bodies without Content-Length, reset connections, 503 with hostile
   Retry-After values, 500), crawled in discovery mode (sitemap, feeds, listings) with the project's settings
   (retries, truncation checks, Retry-After pauses capped at 1 s). Each is compared with a fault-free crawl:
   - lost: articles the server served whole at least once but the crawl did not write;
   - duplicated: article ids written more than once;
   - torn: lines that are not JSON, or articles written with another body than the fault-free crawl's;
   - uncaught: exceptions that escaped a parser or the spider (spider_exceptions, parser_error drops);
   - off-host: requests to any host but www.dawn.com;
   and every article of the fault-free crawl that was not written is listed with its reason (never requested
   because every listing linking to it failed, or every try of it failed) and what the server answered.
2. Fuzz: N (default 2,000) fixture pages mutated (bench/fuzz.py) through every parser: uncaught exceptions.
3. Bombs: a gzip bomb (1 GiB of zeros, ~1 MB gzip) and a 20 MB page through a crawl (peak memory, outcome);
   a 7 MB page without body container (accepted, below DOWNLOAD_MAXSIZE): extraction time; an XML entity bomb feed.
4. Browser probes: a rendered page that opens a popup, a WebSocket, WebRTC STUN, a fetch and an image to
   127.0.0.2 (listeners there), with the browser's wall a listener too (bench/probes.py). Needs /usr/bin/chromium.
5. Feeds and archives (#20 classes 7 and 8): Atom, gzipped and nested sitemaps, damaged WARC files, whole crawls
   (bench/hostile_feed_warc_cases.py).
6. Text and redirects (#20 classes 1-6): whole crawls under an outbound guard (bench/hostile_text_cases.py).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fuzz import mutated_page, parse_everything  # noqa: E402
from bench.hostile_text_cases import run_all as text_cases, totals as text_totals  # noqa: E402
from bench.probes import PROBE_PAGE, PROBE_URL, PROBED_HOST, Listener  # noqa: E402
from bench.hostile_feed_warc_cases import feed_warc_cases, totals as feed_warc_totals  # noqa: E402 - #20 classes 7, 8
from testing.files import peak_rss_of  # noqa: E402
from testing.local_site import FaultSite, gzip_bomb  # noqa: E402

CRAWL_TIMEOUT = 300  # seconds, each crawl
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "NEWSCRAWL_RETRY_AFTER_MAX": 1, "NEWSCRAWL_RETRY_AFTER_DEFAULT": 1, "NEWSCRAWL_RENDER": 0,
        "NEWSCRAWL_SUMMARY": 0, "LOG_LEVEL": "INFO"}


def crawl(out: Path, settings: dict, *args: str, measure: bool = False) -> dict:
    """Run `scrapy crawl dawn`; returns its stats, articles, raw lines and (measure) peak RSS in MiB."""
    command = [sys.executable, "-m", "scrapy", "crawl", "dawn", *args, "-s", f"NEWSCRAWL_OUTPUT_DIR={out}",
               "-s", f"NEWSCRAWL_STATE={out / 'state.sqlite'}"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    if measure:  # in a fresh process of its own, so that no other child's memory counts
        peak = peak_rss_of(command, CRAWL_TIMEOUT) // 1024
    else:
        subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=CRAWL_TIMEOUT)
        peak = None
    stats_path = out / "last_crawl.json"
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines() if (out / "articles.jsonl").exists() else []
    articles = []
    for line in lines:
        try:
            articles.append(json.loads(line))
        except ValueError:
            pass
    return {"stats": json.loads(stats_path.read_text()) if stats_path.exists() else {}, "lines": lines,
            "articles": articles, "peak_mib": peak}


def local(site: FaultSite) -> dict:
    return {**FAST, **site.local_site_settings()}


def article_path(url: str) -> str:
    return url.split("www.dawn.com", 1)[1]


def uncaught_in(stats: dict) -> int:
    return (sum(v for k, v in stats.items() if k.startswith("spider_exceptions/") and k != "spider_exceptions/count")
            + stats.get("newscrawl/dropped/parser_error", 0) + stats.get("log_count/CRITICAL", 0))


def fault_run(rate: float, seed: int, reference: dict, work: Path) -> dict:
    with FaultSite(fault_rate=rate, seed=seed) as site:
        result = crawl(work / f"faults-{int(rate * 100)}", local(site))
        answers = {path: list(kinds) for path, kinds in site.answers.items()}
    stats, articles = result["stats"], result["articles"]
    written = Counter(a["article_id"] for a in articles)
    by_id = {a["article_id"]: a for a in articles}
    want = {a["article_id"]: a for a in reference["articles"]}
    # which path each written/reference article was requested under: the server logs paths
    paths_of: dict[int, list[str]] = {}
    from newscrawl.urls import article_id_from_url
    for path in answers:
        if (article_id := article_id_from_url("https://www.dawn.com" + path)) is not None:
            paths_of.setdefault(article_id, []).append(path)
    served_whole = {i for i, paths in paths_of.items() if any("whole" in answers[p] for p in paths)}
    lost = sorted(i for i in want if i in served_whole and i not in written)
    unserved: dict[str, int] = Counter()
    unserved_detail = {}
    for article_id in sorted(set(want) - set(written) - set(lost)):
        tries = [kind for p in paths_of.get(article_id, []) for kind in answers[p]]
        reason = "every_try_failed" if tries else "never_requested"
        unserved[reason] += 1
        unserved_detail[article_id] = tries
    torn = sum(1 for line in result["lines"] if not _is_json(line))
    torn += sum(1 for i, a in by_id.items() if i in want and a["body"] != want[i]["body"])
    hosts = {k.rsplit("/", 1)[1] for k in stats if k.startswith("newscrawl/requests_by_host/")}
    faults = Counter(kind for kinds in answers.values() for kind in kinds)
    return {
        "fault_rate": rate, "requests_served": sum(faults.values()), "answers": dict(faults),
        "articles_reference": len(want), "articles_written": len(by_id),
        "lost": len(lost), "lost_ids": lost, "duplicated": sum(n - 1 for n in written.values() if n > 1),
        "torn": torn, "uncaught": uncaught_in(stats), "off_host": len(hosts - {"www.dawn.com"}),
        "not_served_whole": dict(unserved), "not_served_whole_tries": unserved_detail,
        "dropped": {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("newscrawl/dropped/")},
        "retries": stats.get("retry/count", 0), "backoff_pauses": sum(v for k, v in stats.items()
                                                                        if k.startswith("newscrawl/backoff/")),
        "finish_reason": stats.get("finish_reason"), "wall_seconds": stats.get("newscrawl/wall_seconds"),
    }


def _is_json(line: str) -> bool:
    try:
        json.loads(line)
        return True
    except ValueError:
        return False


def fuzz(count: int, seed: int) -> dict:
    rng = random.Random(seed)
    uncaught: Counter = Counter()
    skipped: Counter = Counter()
    examples = []
    started = time.monotonic()
    for _ in range(count):
        page = mutated_page(rng)
        try:
            skipped += parse_everything(page)
        except Exception as exc:  # noqa: BLE001 - what the bench counts
            uncaught[type(exc).__name__] += 1
            if len(examples) < 3:
                examples.append(f"{page.url} {page.mutations}: {traceback.format_exception_only(exc)[-1].strip()}")
    return {"pages": count, "uncaught": sum(uncaught.values()), "uncaught_by_type": dict(uncaught),
            "examples": examples, "entries_skipped": dict(skipped), "seconds": round(time.monotonic() - started, 1)}


def bombs(work: Path) -> dict:
    from parsel import Selector

    from newscrawl.extraction import parse_article, rss_links

    body = "<p>filler paragraph of a page without Dawn's body container</p>" * 110_000  # ~7 MB
    big_page = f"<html><head><title>Big - Pakistan - DAWN.COM</title></head><body>{body}</body></html>"
    extra = {
        "/news/1999991/gzip-bomb": (200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
                                    gzip_bomb(1024 * 1024 * 1024)),
        "/news/1999992/huge-page": (200, {"Content-Type": "text/html; charset=utf-8"},
                                    b"<html><body>" + b"<p>x</p>" * 2_600_000 + b"</body></html>"),
    }
    results = {}
    with FaultSite(extra=extra) as site:
        for path, (_, _, payload) in extra.items():
            result = crawl(work / path.rsplit("/", 1)[1], local(site), "-a", f"urls=https://www.dawn.com{path}",
                           measure=True)
            stats = result["stats"]
            results[path.rsplit("/", 1)[1]] = {
                "bytes_sent": len(payload), "peak_mib": result["peak_mib"], "articles_written": len(result["articles"]),
                "outcome": {k: v for k, v in stats.items() if k.startswith(("newscrawl/skipped/", "newscrawl/dropped/"))}}
    started = time.monotonic()
    fields = parse_article(Selector(text=big_page), "https://www.dawn.com/news/1999993/big")
    results["7mb_page_extraction"] = {"chars": len(big_page), "seconds": round(time.monotonic() - started, 2),
                                      "body": fields["body"], "extractor": fields["extractor"],
                                      "peak_mib_of_this_process": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}
    laughs = ("<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY a 'aaaaaaaaaa'>" +
              "".join(f"<!ENTITY {chr(98 + i)} '{('&' + chr(97 + i) + ';') * 10}'>" for i in range(8)) +
              "]><rss><channel><item><link>https://www.dawn.com/news/1918168/x</link><title>&i;</title></item>"
              "</channel></rss>")
    started = time.monotonic()
    links = rss_links(Selector(text=laughs, type="xml"))
    results["xml_entity_bomb"] = {"links": len(links), "seconds": round(time.monotonic() - started, 2)}
    return results


def browser_probes(work: Path) -> dict:
    from testing.files import write_mirror

    if not Path("/usr/bin/chromium").exists():
        return {"skipped": "no /usr/bin/chromium"}
    probes, wall = Listener(PROBED_HOST), Listener("127.0.0.1")
    try:
        page = PROBE_PAGE.format(host=PROBED_HOST, tcp=probes.tcp.getsockname()[1], udp=probes.udp.getsockname()[1])
        mirror = write_mirror(work / "probe-mirror", {PROBE_URL: (200, "text/html; charset=utf-8", page.encode())})
        launch = {"executable_path": "/usr/bin/chromium", "headless": True, "args": ["--no-sandbox"]}
        result = crawl(work / "probes", {"NEWSCRAWL_MIRROR": mirror, "NEWSCRAWL_SUMMARY": 0,
                                         "PLAYWRIGHT_LAUNCH_OPTIONS": json.dumps(launch), "NEWSCRAWL_RENDER_WAIT": 8,
                                         "NEWSCRAWL_BROWSER_WALL": f"127.0.0.1:{wall.tcp.getsockname()[1]}"},
                       "-a", f"urls={PROBE_URL}")
        time.sleep(1)
    finally:
        probes.close()
        wall.close()
    stats = result["stats"]
    return {"rendered": len(result["articles"]), "off_host": len(probes.seen), "probe_listener_saw": probes.seen,
            "stopped_at_wall": wall.seen,
            "blocked": {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("newscrawl/render/blocked/")}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fuzz", type=int, default=2000, help="fuzzed pages (default 2000)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    report: dict = {}
    with tempfile.TemporaryDirectory(prefix="newscrawl-hostile-") as tmp:
        work = Path(tmp)
        with FaultSite() as site:
            reference = crawl(work / "reference", local(site))
        report["reference"] = {"articles": len(reference["articles"]),
                               "finish_reason": reference["stats"].get("finish_reason")}
        report["faults"] = [fault_run(rate, args.seed, reference, work) for rate in (0.2, 0.7)]
        report["fuzz"] = fuzz(args.fuzz, args.seed)
        report["bombs"] = bombs(work)
        report["browser"] = {"skipped": "--skip-browser"} if args.skip_browser else browser_probes(work)
        report["feeds_and_archives"] = feed_warc_cases(work)
        report["text"] = text_cases(work)
    report["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(report, indent=1, ensure_ascii=False, default=str))
    totals = {
        "lost": sum(r["lost"] for r in report["faults"]),
        "duplicated": sum(r["duplicated"] for r in report["faults"]),
        "torn": sum(r["torn"] for r in report["faults"]),
        "uncaught": sum(r["uncaught"] for r in report["faults"]) + report["fuzz"]["uncaught"],
        "off_host": sum(r["off_host"] for r in report["faults"]) + report["browser"].get("off_host", 0),
    }
    for name, value in feed_warc_totals(report["feeds_and_archives"]).items():
        totals[name] = totals.get(name, 0) + value
    text = text_totals(report["text"])
    totals.update({k: totals.get(k, 0) + v for k, v in text.items() if k != "lines"})
    print("\nlost {lost}, duplicated {duplicated}, torn {torn}, garbled {garbled}, uncaught {uncaught}, off-host {off_host}, "
          "wrong exit code {wrong_exit_code}".format(**totals))
    print("\n".join(text["lines"]))
    for run in report["faults"]:
        print(f"faults {run['fault_rate']:.0%}: {run['articles_written']}/{run['articles_reference']} articles written; "
              f"not served whole: {run['not_served_whole'] or 'none'}; dropped: {run['dropped'] or 'none'}")
    return 0 if not any(totals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
