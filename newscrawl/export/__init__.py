"""Data out: the crawl's JSON lines (every worker's files, every run) turned into a dataset people load, by
`newscrawl-export` (newscrawl/commands/export.py). Belongs here: which columns a table has and their types
(tables.py), which input bytes are new since the last export (inputs.py), the DuckDB work of reading, choosing
versions and writing Parquet, CSV or JSON lines (engine.py, incremental.py), the dataset card (card.py), and one export from start to end (run.py).
Nothing here crawls or writes the crawl's own files; see docs/EXPORT.md."""
