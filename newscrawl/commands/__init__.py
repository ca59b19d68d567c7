"""Command-line entry points.

Scrapy's project commands (COMMANDS_MODULE) live in scrapy_commands/: `scrapy crawl` with exit codes that say whether
the crawl did its job and `scrapy savefixture`. The console scripts of pyproject.toml: `newscrawl-cron`
(cron.py), `newscrawl-frontier` (frontier.py), `newscrawl-pack-mirror`, `newscrawl-export` and `newscrawl-report`. Belongs here: argument parsing and wiring, one module a command;
not the work itself, which lives in the folder of its concern.
"""
