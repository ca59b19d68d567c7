"""The downloader's side: how a request becomes a response.

Belongs here: the download handler (live site, offline mirror, WARC replay, Chromium), the downloader middlewares
(Retry-After pauses, truncated pages, host health) and the browser's settings. Not here: what a page means
(extraction/), what the spider does with it (crawl/), what is remembered across crawls (state/).
"""
