"""Project commands (COMMANDS_MODULE): `scrapy savefixture`."""
