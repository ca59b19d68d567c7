"""Backfill from Common Crawl (`-a source=commoncrawl`, docs/COMMONCRAWL.md): the list of crawls (collinfo.json),
each crawl's CDX index of www.dawn.com/news/*, the choice of one capture per article, and the fetch of its WARC
record with one Range request, checked and stored in this project's own archive before the spider reads it.

Its own polite HTTP client (client.py), not Scrapy's downloader: Common Crawl's pace and back-off are its own.
May use archive/, downloader/, crawl/ and state/; the spider routes to it.
"""
