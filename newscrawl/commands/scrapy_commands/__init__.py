"""Scrapy's project commands (COMMANDS_MODULE): `scrapy crawl` with exit codes that say whether the crawl did its job
(crawl.py) and `scrapy savefixture` (savefixture.py).

Scrapy imports every module of this package on every `scrapy` call, a crawl included, so only Scrapy commands belong
here; the console scripts (cron, export, report, ...) live one folder up, where a crawl never imports them.
"""
