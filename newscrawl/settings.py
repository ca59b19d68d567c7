"""Settings of the newscrawl project. Every setting is documented where it is defined; README lists them.

Override any of them with `-s NAME=VALUE` on the command line.
"""

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# ---- newscrawl's own settings ----------------------------------------------------------------------

# Where the JSON-lines files (articles.jsonl, editorial_teasers.jsonl) and last_crawl.json are written.
NEWSCRAWL_OUTPUT_DIR = "output"

# Offline replay: a directory holding manifest.jsonl. When set, every request is answered from it
# (a URL not listed answers 404) and no politeness delay applies. Empty: crawl the live site.
NEWSCRAWL_MIRROR = ""

# The download handler used for real downloads when no mirror is set.
NEWSCRAWL_LIVE_DOWNLOAD_HANDLER = "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"

# Discovery entry points that list what is new: Google-News sitemap and RSS feeds (filtered by
# -a since/until when given) ...
NEWSCRAWL_FEEDS = [
    "https://www.dawn.com/feeds/sitemap",
    "https://www.dawn.com/feeds/home/",
    "https://www.dawn.com/feeds/latest-news/",
]
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
# A guard against a typo in -a since/until asking for decades of archives.
NEWSCRAWL_MAX_ARCHIVE_DAYS = 366

# Retry-After handling (newscrawl.backoff): the longest pause honoured, and the pause after a 429 that
# names none, in seconds.
NEWSCRAWL_RETRY_AFTER_MAX = 600
NEWSCRAWL_RETRY_AFTER_DEFAULT = 30

# Print a summary of the crawl on stderr when it ends.
NEWSCRAWL_SUMMARY = True

# ---- politeness: Dawn rate-limits per IP and sits behind Cloudflare ---------------------------------

# Identify the crawler; put a contact address of yours here for a live crawl.
USER_AGENT = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl; research crawler of dawn.com)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 2.0
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
# 429 and 503 are retried (after the Retry-After pause); 403 from Cloudflare is not: retrying a ban deepens it.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# ---- components ------------------------------------------------------------------------------------

DOWNLOAD_HANDLERS = {
    "http": "newscrawl.mirror.MirrorDownloadHandler",
    "https": "newscrawl.mirror.MirrorDownloadHandler",
}
ADDONS = {
    "newscrawl.mirror.MirrorAddon": 0,
}
DOWNLOADER_MIDDLEWARES = {
    # pauses a host that answers 429/503 with Retry-After (see newscrawl/backoff.py)
    "newscrawl.backoff.RetryAfterMiddleware": 560,
}
# One fingerprint per article id, whatever slug or query string the link carries.
REQUEST_FINGERPRINTER_CLASS = "newscrawl.fingerprint.ArticleRequestFingerprinter"
ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.strip_sidebar.StripSidebarPipeline": 200,
    "pipelines.deduplicate.DeduplicatePipeline": 300,
    "pipelines.jsonl_writer.JsonLinesWriterPipeline": 400,
}
EXTENSIONS = {
    "newscrawl.summary.CrawlSummary": 500,
}

# ---- Scrapy housekeeping ---------------------------------------------------------------------------

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
# Nothing listens for remote control here: no open ports for a crawler run from cron.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
