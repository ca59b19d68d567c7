"""newscrawl: a polite Scrapy crawler for Dawn (www.dawn.com). One folder per kind of component, in the order a
page travels (docs/ARCHITECTURE.md):

- downloader/  request -> response: the routing download handler (live, mirror, WARC replay, Chromium), its
               middlewares
- crawl/       the spider's side: arguments, fingerprints, an article page read into items
- extraction/  pure page objects: selector in, fields out (no I/O, no engine)
- state/       what outlives a crawl: the state store (SQLite or Redis), incremental crawls, the crawl lock
- monitoring/  drift alarms, feed agreement, progress, summary, the verdict (exit code)
- distributed/ optional: many workers through Redis (frontier, shared politeness budget)
- archive/     optional: WARC recording and replay
- commands/    scrapy commands and the console scripts (newscrawl-cron, newscrawl-frontier)

At the top stay the few modules every layer reads: items.py, urls.py, clock.py, stats_keys.py, settings.py, and
fixture_library.py (the fixtures as tests, savefixture and bench read them).
"""
