"""Command-line entry points.

Scrapy's project commands (COMMANDS_MODULE): `scrapy crawl` with exit codes that say whether the crawl did its job
(crawl.py) and `scrapy savefixture` (savefixture.py). The console scripts of pyproject.toml: `newscrawl-cron`
(cron.py) and `newscrawl-frontier` (frontier.py). Belongs here: argument parsing and wiring, one module a command;
not the work itself, which lives in the folder of its concern.
"""
