"""The completeness report (`newscrawl-report`, docs/REPORT.md): figures from the ledger and the run records, the
charts (matplotlib, inline SVG) and the one self-contained HTML page.

Belongs here: reading what crawls left (the state store's ledger, runs.jsonl) to show a person or a machine how
complete the corpus is. Not here: recording the ledger (state/), judging one crawl (monitoring/), the command
line (commands/report.py).
"""
