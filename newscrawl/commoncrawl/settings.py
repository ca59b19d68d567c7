"""Settings of the Common Crawl backfill (-a source=commoncrawl; docs/COMMONCRAWL.md), part of the project's
settings: newscrawl/settings.py imports them all. Override any of them with `-s NAME=VALUE`.
"""

# -a source=commoncrawl (docs/COMMONCRAWL.md): Common Crawl's index server (collinfo.json and each crawl's cdx-api)
# and data server (the base of every WARC filename); the progress file and cached collinfo.json; the gaps between
# requests to each server (Common Crawl's own advice), the longest back-off and the attempts before giving up
NEWSCRAWL_CC_INDEX, NEWSCRAWL_CC_DATA = "https://index.commoncrawl.org", "https://data.commoncrawl.org/"
NEWSCRAWL_CC_DIR = ".newscrawl/commoncrawl"
NEWSCRAWL_CC_INDEX_DELAY, NEWSCRAWL_CC_DATA_DELAY = 1.0, 0.5
NEWSCRAWL_CC_MAX_BACKOFF, NEWSCRAWL_CC_MAX_ATTEMPTS = 60.0, 8
