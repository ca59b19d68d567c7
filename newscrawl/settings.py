"""Settings of the newscrawl project. Every setting is documented where it is defined; docs/SETTINGS.md lists them.

Override any of them with `-s NAME=VALUE` on the command line.
"""

import warnings

from scrapy.exceptions import ScrapyDeprecationWarning

# spidermon 1.27 still calls Spider.log(): its warning says nothing to a user and would print on every crawl.
warnings.filterwarnings("ignore", message=r"Spider\.log\(\) is deprecated", category=ScrapyDeprecationWarning)

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# ---- newscrawl's own settings ----------------------------------------------------------------------

# Where the JSON-lines files (articles.jsonl, editorial_teasers.jsonl) and last_crawl.json are written.
NEWSCRAWL_OUTPUT_DIR = "output"

# Offline: every request answered from a mirror directory (manifest.jsonl), or from WARC files, globs or directories
# (NEWSCRAWL_REPLAY; the capture nearest NEWSCRAWL_REPLAY_AT=YYYY-MM-DDTHH:MM:SS, else the latest); a URL not there
# answers 404; no politeness delay. Both empty: the live site, downloaded by NEWSCRAWL_LIVE_DOWNLOAD_HANDLER.
NEWSCRAWL_MIRROR, NEWSCRAWL_REPLAY, NEWSCRAWL_REPLAY_AT = "", "", ""
NEWSCRAWL_LIVE_DOWNLOAD_HANDLER = "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"
# Article pages parsed and extracted in this many worker processes (newscrawl/crawl/article_reader.py), so that a crawl bound
# by CPU uses a second core; "auto": 1 for an offline crawl (mirror, replay) on 2+ cores, else 0 (the crawl's process).
NEWSCRAWL_EXTRACT_PROCESSES = "auto"
# Every download kept as WARC (docs/ARCHIVES.md) in this dir ("auto": <output dir>/warc live, none offline; "0": none).
NEWSCRAWL_WARC_DIR, NEWSCRAWL_WARC_MAX_BYTES = "auto", 1_000_000_000
# -a source=commoncrawl: NEWSCRAWL_CC_* (servers, cache directory, politeness), defined and documented in
# newscrawl/commoncrawl/settings.py (docs/COMMONCRAWL.md)
from newscrawl.commoncrawl.settings import *  # noqa: E402,F403

# Discovery entry points that list what is new: Google-News sitemap and RSS feeds (filtered by -a since/until) ...
NEWSCRAWL_FEEDS = [
    "https://www.dawn.com/feeds/sitemap",
    "https://www.dawn.com/feeds/home/",
    "https://www.dawn.com/feeds/latest-news/",
    "https://www.dawn.com/feeds/newspaper/editorial",  # a real feed (docs/DAWN_MARKUP.md): today's editorials
]
# Sitemap indexes are followed this many levels below an entry point, and to this many child sitemaps per crawl:
# a site generating sitemap URLs without end costs a bounded crawl (newscrawl/crawl/sitemaps.py).
NEWSCRAWL_SITEMAP_MAX_DEPTH, NEWSCRAWL_SITEMAP_MAX_CHILDREN = 2, 1000
# ... and listing pages, which show today; a crawl with -a since/until uses the date archives instead.
NEWSCRAWL_LISTINGS = [
    "https://www.dawn.com/",
    "https://www.dawn.com/latest-news",
    "https://www.dawn.com/pakistan",
    "https://www.dawn.com/world",
    "https://www.dawn.com/business",
    "https://www.dawn.com/sport",
    "https://www.dawn.com/opinion",
    "https://www.dawn.com/newspaper/editorial",
]
# Date archives crawled for each day of -a since/until: https://www.dawn.com/<path>/YYYY-MM-DD.
NEWSCRAWL_ARCHIVES = [
    "latest-news",
    "pakistan",
    "world",
    "newspaper/front-page",
    "newspaper/back-page",
    "newspaper/national",
    "newspaper/business",
    "newspaper/international",
    "newspaper/sport",
    "newspaper/editorial",
    "newspaper/column",
    "newspaper/other-voices",
    "newspaper/letters",
    "newspaper/karachi",
    "newspaper/lahore",
    "newspaper/islamabad",
    "newspaper/peshawar",
]

# Retry-After (newscrawl.downloader.backoff): the longest pause honoured, and the pause after a 429 naming none, or a 429/503
# whose value cannot be read, in seconds.
NEWSCRAWL_RETRY_AFTER_MAX = 600
NEWSCRAWL_RETRY_AFTER_DEFAULT = 30

# Stop the crawl early (newscrawl/downloader/host_health.py) after this many connection failures in a row with no response
# in between (the host cannot be resolved or reached: finish reason host_unreachable, exit code 8) ...
NEWSCRAWL_UNREACHABLE_AFTER = 3
# ... or after this many 403 responses in a row (a Cloudflare ban: finish reason blocked, exit code 9). 0: never.
NEWSCRAWL_BLOCKED_AFTER = 5

# Print a summary of the crawl on stderr when it ends.
NEWSCRAWL_SUMMARY = True

# ---- distributed mode: NEWSCRAWL_REDIS_URL, NEWSCRAWL_CRAWL_ID, NEWSCRAWL_WORKER, leases, seeding and retention,
# each defined and documented in newscrawl/distributed/settings.py (docs/SCALING.md)
from newscrawl.distributed.settings import *  # noqa: E402,F403

# ---- extraction drift alarms (newscrawl/monitoring/drift.py, run by spidermon when the spider closes) -------------

# Lowest share (0..1) of Articles in which a field must be non-empty (stats newscrawl/coverage/<field>); below
# it the crawl logs an ERROR naming the field and sets newscrawl/unhealthy. Any Article field can be added.
NEWSCRAWL_DRIFT_MIN_COVERAGE = {"body": 1.0, "title": 1.0, "published_at": 1.0, "authors": 0.6, "images": 0.5}
# Highest share of Articles whose body came from the generic extractor (Dawn's selectors found none).
NEWSCRAWL_DRIFT_MAX_GENERIC = 0.05
NEWSCRAWL_DRIFT_MAX_STORY_NOT_FOUND = 0.05  # most article pages without a proven story box (docs/REDESIGNS.md)
# No alarm for a crawl of fewer Articles than this: the share of a handful of pages says nothing of the site.
NEWSCRAWL_DRIFT_MIN_ARTICLES = 10
NEWSCRAWL_FEED_AGREEMENT_MIN_F1 = 0.8  # below: an Article's body disagrees with its feed copy (docs/FEED_AGREEMENT.md)
NEWSCRAWL_DRIFT_MAX_FEED_DISAGREEMENT = 0.05  # highest share of compared Articles that disagree; above: drift alarm
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["newscrawl.monitoring.drift.DriftMonitorSuite"]

# Project commands: `scrapy crawl` with our exit codes, `scrapy savefixture URL [--name NAME]` and `scrapy savefixture
# --check`. Scrapy imports every module of this package on every call, so it holds nothing else.
COMMANDS_MODULE = "newscrawl.commands.scrapy_commands"

# ---- scheduled crawls (docs/CRON.md) -----------------------------------------------------------

# The SQLite store of what earlier crawls emitted (newscrawl/state/sqlite.py): a rerun fetches and emits only what is
# new or changed. Empty: no store; every crawl fetches and emits everything, Articles as version 1.
NEWSCRAWL_STATE = ".newscrawl/state.sqlite"
# An article page that answered 404/410, or whose item was dropped, is tried again after this many hours
# (earlier when discovery shows it changed).
NEWSCRAWL_RECHECK_HOURS = 24
# Live progress line on stderr: "auto" when stderr is a terminal (not under cron), "1" always, "0" never;
# refreshed every NEWSCRAWL_PROGRESS_INTERVAL seconds.
NEWSCRAWL_PROGRESS = "auto"
NEWSCRAWL_PROGRESS_INTERVAL = 2.0
# Health thresholds of newscrawl-cron (newscrawl/commands/cron.py): the crawl is unhealthy when more than this share
# of responses are errors (HTTP 5xx, or no response at all) ...
NEWSCRAWL_HEALTH_MAX_ERROR_RATE = 0.1
# ... or when more than this many responses are 403/429 (Cloudflare bans, rate limits).
NEWSCRAWL_HEALTH_MAX_BANS = 3

# ---- JavaScript pages: NEWSCRAWL_RENDER*, NEWSCRAWL_BROWSER_WALL and PLAYWRIGHT_*, each defined and documented in
# newscrawl/downloader/browser_settings.py (docs/RENDERING.md)
from newscrawl.downloader.browser_settings import *  # noqa: E402,F403

# ---- politeness: Dawn rate-limits per IP and sits behind Cloudflare ---------------------------------

# Identify the crawler; put a contact address of yours here for a live crawl.
USER_AGENT = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl; research crawler of dawn.com)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Seconds between two requests to the host, varied by +/- DOWNLOAD_DELAY_JITTER (a share) so the rhythm is not
# mechanical; AutoThrottle raises the delay when the host slows down.
DOWNLOAD_DELAY = 2.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
# Size limits (docs/SURVIVES.md): the real /latest-news page is 535 KB; nothing the crawl needs nears 2 MB. Past 8 MiB
# (a gzip body once decompressed) a response is cancelled, past 2 MiB logged; one short of its length is retried.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOAD_FAIL_ON_DATALOSS = True
# No cookies (Dawn needs none; 3,000 Set-Cookie made a 155 KB Cookie header); turned on, at most NEWSCRAWL_COOKIES_MAX
# kept per response, and no Cookie header over NEWSCRAWL_COOKIE_HEADER_MAX_BYTES is sent (newscrawl/downloader/cookies.py).
COOKIES_ENABLED, NEWSCRAWL_COOKIES_MAX, NEWSCRAWL_COOKIE_HEADER_MAX_BYTES = False, 50, 8192
# 429 and 503 are retried (after the Retry-After pause); 403 from Cloudflare is not: retrying a ban deepens it.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# ---- components ------------------------------------------------------------------------------------

DOWNLOAD_HANDLERS = {
    "http": "newscrawl.downloader.handler.RoutingDownloadHandler",
    "https": "newscrawl.downloader.handler.RoutingDownloadHandler",
}
ADDONS = {
    "newscrawl.downloader.offline.OfflineAddon": 0,
    # only with NEWSCRAWL_REDIS_URL: the Redis frontier, the shared budget and Retry-After (docs/SCALING.md)
    "newscrawl.distributed.mode.DistributedAddon": 10,
    # after the mirror's: Chromium flags that keep the browser itself from calling home (newscrawl/downloader/browser.py)
    "newscrawl.downloader.browser.BrowserIsolationAddon": 20,
}
DOWNLOADER_MIDDLEWARES = {
    # -a source=commoncrawl: answers article requests from Common Crawl's records, before robots.txt (100) or the
    # download handler would ask Dawn (newscrawl/commoncrawl/fetch.py)
    "newscrawl.commoncrawl.fetch.CommonCrawlRecords": 50,
    # pauses a host that answers 429/503 with Retry-After (see newscrawl/downloader/backoff.py)
    "newscrawl.downloader.backoff.RetryAfterMiddleware": 560,
    # retries an HTML page cut short, after HttpCompression (590) decompressed it (newscrawl/downloader/truncation.py)
    "newscrawl.downloader.truncation.TruncationMiddleware": 585,
    # stops the crawl when the host cannot be reached or blocks every request; after RetryMiddleware (550) on
    # the way in, so it sees every failed attempt, retries included (see newscrawl/downloader/host_health.py)
    "newscrawl.downloader.host_health.HostHealthMiddleware": 580,
    # a page's encoding by the HTML standard's order; after HttpCompression (590), before truncation (encoding.py)
    "newscrawl.downloader.encoding.EncodingMiddleware": 588,
    # every redirect judged in one place, in place of Scrapy's two (redirects.py); cookies bounded, offline (cookies.py)
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None, "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newscrawl.downloader.redirects.ArticleRedirectMiddleware": 600, "newscrawl.downloader.redirects.ArticleMetaRefreshMiddleware": 581,
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None, "newscrawl.downloader.cookies.BoundedCookiesMiddleware": 700,
}
SPIDER_MIDDLEWARES = {
    # skips articles the state store holds unchanged; before HttpErrorMiddleware (50), so it sees their 404s
    # (newscrawl/state/incremental.py)
    "newscrawl.state.incremental.IncrementalMiddleware": 40,
}
# Requests are queued and deduplicated in memory even with JOBDIR (whose queue a SIGKILL can tear, and whose
# dupefilter would skip requests in flight at a kill); a killed crawl resumes from the state store instead
# (newscrawl/state/incremental.py).
SCHEDULER = "newscrawl.state.incremental.StateResumeScheduler"
DUPEFILTER_CLASS = "newscrawl.state.incremental.InRunDupeFilter"
# One fingerprint per article id, whatever slug or query string the link carries.
REQUEST_FINGERPRINTER_CLASS = "newscrawl.crawl.fingerprint.ArticleRequestFingerprinter"
# Scrapy starts CONCURRENT_ITEMS asyncio workers for every response (default 100), for the one or two items a page
# yields; every pipeline here is synchronous CPU work, so there is nothing to overlap and the workers were a tenth of
# an offline crawl's time (docs/PERFORMANCE.md). 4, not 1: Scrapy's queue holds twice the workers, and with one
# the spider's output would wait on it after every second item (measured slower).
CONCURRENT_ITEMS = 4
ITEM_PIPELINES = {
    "pipelines.sanitize_text.SanitizeTextPipeline": 30,  # first: every string made writable (docs/OUTPUT.md)
    "pipelines.strip_sidebar.StripSidebarPipeline": 40,  # first: the final body and content_hash (set here only)
    "pipelines.coverage.FieldCoveragePipeline": 50,  # field coverage, for the drift alarms (newscrawl/monitoring/drift.py)
    "pipelines.validate.ValidatePipeline": 100,
    # Articles published outside -a since/until (linked by a day's archive page) are dropped and counted
    "pipelines.date_range.DateRangePipeline": 150,
    "pipelines.deduplicate.DeduplicatePipeline": 300,
    "pipelines.versioning.VersioningPipeline": 350,
    "pipelines.jsonl_writer.JsonLinesWriterPipeline": 400,
}
EXTENSIONS = {
    # the lock newscrawl-cron takes, taken by a plain `scrapy crawl` too: one crawl per output dir and state store
    "newscrawl.state.lock.CrawlLock": 0,
    # the ledger: every article id learned of and its outcome, into the state store (newscrawl/state/ledger.py)
    "newscrawl.state.ledger.LedgerRecorder": 10,
    "newscrawl.monitoring.agreement.FeedAgreement": 440,  # feed/page body agreement; before spidermon, whose drift check reads it
    # drift monitors; before CrawlSummary, so that newscrawl/unhealthy is in last_crawl.json
    "spidermon.contrib.scrapy.extensions.Spidermon": 450,
    # before CrawlSummary: the progress line is erased before the summary is printed
    "newscrawl.monitoring.progress.CrawlProgress": 490,
    "newscrawl.monitoring.summary.CrawlSummary": 500,
}

# ---- Scrapy housekeeping ---------------------------------------------------------------------------

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
# Scrapy's check for a `return value` in a generator callback re-reads and re-parses the callback's source whenever
# its weak cache lost the bound method (a third of all responses: 0.3 ms each); tests/test_spider.py makes the same
# check of DawnSpider's callbacks once instead.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Nothing listens for remote control here: no open ports for a crawler run from cron.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
