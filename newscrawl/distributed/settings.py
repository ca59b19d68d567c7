"""Settings of distributed mode: many workers, one crawl (newscrawl/distributed/mode.py; docs/SCALING.md), part of
the project's settings: newscrawl/settings.py imports them all. Override any of them with `-s NAME=VALUE`.
"""

# redis://host:port/db of the Redis that holds the shared queue, dupefilter, leases, politeness budget and
# emitted-state. Empty (default): a single-process crawl, nothing below applies.
NEWSCRAWL_REDIS_URL = ""
# Names one crawl's frontier (queue, dupefilter, leases) in Redis: workers with the same id share the crawl.
# Use a new id (or `newscrawl-frontier clear`) for the next crawl: a finished frontier remembers every request.
NEWSCRAWL_CRAWL_ID = "dawn"
# This worker's name: its files are articles.<worker>.jsonl and editorial_teasers.<worker>.jsonl. Empty: the
# host name. Two workers must never share a name; a restarted worker keeps its own.
NEWSCRAWL_WORKER = ""
# A request taken by a worker that neither finishes it nor renews its lease (every second) for this long
# goes back to the queue for another worker (each time counted as one of RETRY_TIMES).
NEWSCRAWL_LEASE_SECONDS = 60
# How long a worker waits for an unreachable Redis (retrying every 0.5 s) before a call fails.
NEWSCRAWL_REDIS_WAIT = 300
# The start entries (a url_file, an archive's articles) are pushed to the shared queue while it holds fewer than
# this many requests: a long list reaches Redis as the crawl goes (newscrawl/distributed/seeding.py).
NEWSCRAWL_SEED_QUEUE_MAX = 5000
# A finished crawl's frontier (queue, dupefilter, leases, seeding, given-up list) is deleted by Redis this many
# seconds after the crawl ended (7 days: time to read `newscrawl-frontier status`). 0: kept until
# `newscrawl-frontier clear`. The emitted-state (what incremental crawls need) never expires.
NEWSCRAWL_FRONTIER_RETENTION_SECONDS = 7 * 24 * 3600
