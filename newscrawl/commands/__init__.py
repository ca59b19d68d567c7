"""Project commands (COMMANDS_MODULE): `scrapy savefixture`, and `scrapy crawl` with meaningful exit codes."""
