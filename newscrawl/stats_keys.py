"""Every Scrapy stats key this project writes or reads, in one module: its name, who writes it, who reads it.

A name ending in a group (no trailing slash) is followed by `/<part>`: `f"{SKIPPED}/{reason}"`. The keys are part
of the output (`last_crawl.json`, `newscrawl-cron`'s run record, docs/OUTPUT.md), so renaming one is a change of
the output format. Any module may import this one; it imports nothing.
"""

from __future__ import annotations

# ---- the spider (spiders/dawn.py) -------------------------------------------------------------------------------
SKIPPED = "newscrawl/skipped"  # /<reason>: pages not parsed (http_404, non_html, RenderFailed, ...)
DISCOVERED_LINKS = "newscrawl/discovered_links"  # article links found in listings, feeds and sitemaps
EXTRACTOR = "newscrawl/extractor"  # /<extractor>: Articles by the extractor that gave their body; read by drift
STORY_PROVEN = "newscrawl/story/proven"  # /<id|headline|position>: article pages by how their story box was proven
STORY_NOT_FOUND = "newscrawl/story/not_found"  # article pages on which no story box was proven; read by drift
SKIPPED_ENTRIES = "newscrawl/skipped_entries"  # /<reason>: feed, sitemap, listing or teaser entries not readable
PARSER_ERRORS = "newscrawl/parser_errors"  # /<exception>: pages whose parser raised (each also DROPPED/parser_error)
EXTRACT_WORKER_PAGES = "newscrawl/extract_processes/pages"  # article pages read by a worker process
EXTRACT_WORKERS_REPLACED = "newscrawl/extract_processes/replaced"  # worker pools replaced after a worker died
# sidebar teasers not built: the deduplicate pipeline let them through already (newscrawl/crawl/seen.py)
TEASERS_ALREADY_EMITTED = "newscrawl/teasers/already_emitted"
# /<kind>: blocks the body left out that a reader sees in it ("navigation": "Read more:" lines, lists of links to
# other stories; newscrawl/extraction/navigation.py), and Articles that had any; written by newscrawl/crawl/article_items.py
LEFT_OUT_BLOCKS = "newscrawl/left_out/blocks"
LEFT_OUT_ARTICLES = "newscrawl/left_out/articles"

# ---- downloading (newscrawl/downloader/handler.py, newscrawl/downloader/browser.py, newscrawl/downloader/backoff.py, newscrawl/downloader/truncation.py) -
REQUESTS_BY_HOST = "newscrawl/requests_by_host"  # /<host>
PLAIN_PAGES = "newscrawl/plain/pages"  # pages downloaded without a browser
MIRROR = "newscrawl/mirror"  # /hit, /miss: answers of the offline mirror (NEWSCRAWL_MIRROR)
REPLAY = "newscrawl/replay"  # /hit, /miss, /rendered: answers of the WARC archives (NEWSCRAWL_REPLAY)
# replayed WARC files with regions that could not be read, and the regions per file (newscrawl/archive/replay.py);
# read by the verdict and the summary
REPLAY_DAMAGED_FILES = "newscrawl/replay/damaged_files"
REPLAY_UNREADABLE = "newscrawl/replay/unreadable"  # /<WARC file name>
WARC = "newscrawl/warc"  # /files, /records/<response|revisit>, /recovered_files: the recorder (newscrawl/archive/)
RENDER = "newscrawl/render"  # /pages, /needed/<reason>, /blocked/<type>, /failures[/<exception>], /seconds, ...;
# /fallback/plain_html: pages read from their plain HTML after a failed render (newscrawl/crawl/render_policy.py)
BACKOFF = "newscrawl/backoff"  # /<status>: pauses on 429/503
TRUNCATED = "newscrawl/truncated"  # /<reason>: HTML responses cut short (retried; DROPPED/truncated when all were)
STOPPED = "newscrawl/stopped"  # /host_unreachable, /blocked: newscrawl/downloader/host_health.py stopped the crawl
# /<reason>: articles lost to hostile input (a redirect off the site or in a loop, text that cannot be written), each
# also counted under SKIPPED or DROPPED; written by newscrawl/downloader/redirects.py and newscrawl.crawl.drops.drop
# (lost=True); read by newscrawl/monitoring/verdict.py (any: exit code 10)
LOST = "newscrawl/lost"
COOKIES_DISCARDED = "newscrawl/cookies/discarded"  # /<too_many|too_long>: newscrawl/downloader/cookies.py

# ---- the Common Crawl backfill (newscrawl/commoncrawl/; docs/COMMONCRAWL.md) ----------------------------------------
# /index_pages_read, /captures_<reason>, /articles_planned, /records_fetched, /rejected/<reason>, /refused, ...
COMMONCRAWL = "newscrawl/commoncrawl"

# ---- distributed mode (newscrawl/distributed/frontier.py, newscrawl/distributed/shared_budget.py; docs/SCALING.md) ----------------------
FRONTIER = "newscrawl/frontier"  # /leased, /done, /carried_on, /handed_back, /requeued_expired, /gave_up: leases
CRAWL_GIVEN_UP = "newscrawl/frontier/crawl_given_up"  # requests the whole crawl gave up, seen at this worker's end
SEEDING_COMPLETE = "newscrawl/frontier/seeding_complete"  # every start entry reached the queue (False: work lost)
SEEDING = "newscrawl/seeding"  # /entries, /queued, /taken_over: this worker's part of the seeding (seeding.py)
BUDGET_WAIT_SECONDS = "newscrawl/budget/wait_seconds"  # time this worker waited for the shared politeness budget
BUDGET_SHARED_PAUSES = "newscrawl/budget/shared_pauses"  # Retry-After pauses this worker set for every worker

# ---- the state store's spider middleware (newscrawl/state/incremental.py) ----------------------------------------------
INCREMENTAL = "newscrawl/incremental"  # /skipped_known, /unseen, /article_requests, /marked_missing, /<reason>

# ---- the ledger (newscrawl/state/ledger.py) -----------------------------------------------------------------------
# /<outcome>: article ids whose outcome this crawl recorded (not_found, moved, failed, dropped, filtered); written
# ones are counted under WRITTEN
LEDGER_OUTCOMES = "newscrawl/ledger"

# ---- the item pipelines, in ITEM_PIPELINES order ---------------------------------------------------------------
# strip-sidebar (pipelines/strip_sidebar.py, docs/SIDEBAR.md): Articles and blocks stripped, quoting blocks kept
SIDEBAR_STRIPPED_ARTICLES = "newscrawl/sidebar_stripped/articles"
SIDEBAR_STRIPPED_BLOCKS = "newscrawl/sidebar_stripped/blocks"
SIDEBAR_KEPT_BLOCKS = "newscrawl/sidebar_kept/blocks"
COVERAGE = "newscrawl/coverage"  # /<field>: share (0..1) of Articles where the field is non-empty; read by drift
COVERAGE_ARTICLES = "newscrawl/coverage_articles"  # how many Articles the coverage shares are of
DROPPED = "newscrawl/dropped"  # /<reason>: items dropped (newscrawl.crawl.drops.drop), pages dropped for needing render
# (render_policy.py) or whose render failed with no body in their plain HTML (/render_failed, article_items.py)
# /<what>: text values changed or left out by pipelines/sanitize_text.py (docs/OUTPUT.md, "Text sanitation")
SANITIZED = "newscrawl/sanitized"
VERSIONING = "newscrawl/versioning"  # /<new|updated|unchanged...>/<item type>
WRITTEN = "newscrawl/written"  # /<item type>: items written to the JSON lines files
OUTPUT_TORN_BYTES_REMOVED = "newscrawl/output/torn_bytes_removed"  # a half-written last line cut on resume
OUTPUT_LINES_RECOVERED = "newscrawl/output/lines_recovered"

# ---- feed/page body agreement (newscrawl/monitoring/agreement.py, docs/FEED_AGREEMENT.md); read by drift, summary and cron ----
FEED_AGREEMENT = "newscrawl/feed_agreement"  # /min, /median, /below, /not_comparable, /feed_only, /evicted
FEED_AGREEMENT_COMPARED = "newscrawl/feed_agreement/compared"  # Articles compared with their feed copy
FEED_AGREEMENT_BELOW_SHARE = "newscrawl/feed_agreement/below_share"  # share of them below the F1 threshold

# ---- end of crawl (newscrawl/monitoring/drift.py, newscrawl/monitoring/summary.py) -------------------------------------------------------
UNHEALTHY = "newscrawl/unhealthy"  # True when a drift alarm fired; read by summary and newscrawl-cron
DRIFT = "newscrawl/drift"  # /<field, generic_extractions, story_not_found or feed_agreement>: the share that crossed its threshold
WALL_SECONDS = "newscrawl/wall_seconds"  # written into last_crawl.json only
STORY_NOT_FOUND_SHARE = "newscrawl/story/not_found_share"  # STORY_NOT_FOUND per article page; last_crawl.json, cron
# a dated crawl's days from the ledger, each {day, known, written, moved, missing, complete, incomplete_because}
# (newscrawl/state/completeness.py); written into last_crawl.json only, read by cron
COMPLETENESS = "newscrawl/completeness"

# ---- Scrapy's own keys this project reads ------------------------------------------------------------------------
FINISH_REASON = "finish_reason"
RESPONSES = "response_received_count"
REQUESTS = "downloader/request_count"
DOWNLOAD_EXCEPTIONS = "downloader/exception_count"
HTTP_STATUS = "downloader/response_status_count"  # /<status>
ERRORS_LOGGED = "log_count/ERROR"


def under(stats: dict, group: str) -> dict:
    """{part: value} of the keys in a group, sorted: under(stats, WRITTEN) == {"Article": 35, ...}."""
    prefix = group + "/"
    return {k[len(prefix):]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}
