#!/usr/bin/env bash
# Set up, then crawl the bundled offline copy of Dawn (fixtures/site) with the real spider and pipelines.
# Extra arguments go to `scrapy crawl dawn` (e.g. -a urls=https://www.dawn.com/news/1532195).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
OUT=${NEWSCRAWL_OUTPUT_DIR:-output/offline}
# a demo run starts clean; real runs append, and skip what their state store already holds
rm -f "$OUT/articles.jsonl" "$OUT/editorial_teasers.jsonl" "$OUT/state.sqlite"
# the crawl's exit code says whether it did its job (docs/CRON.md); the paths are printed either way
code=0
.venv/bin/scrapy crawl dawn -s NEWSCRAWL_MIRROR=fixtures/site -s NEWSCRAWL_OUTPUT_DIR="$OUT" \
  -s NEWSCRAWL_STATE="$OUT/state.sqlite" -s LOG_LEVEL=WARNING "$@" || code=$?
[ -f "$OUT/last_crawl.json" ] || exit "$code"
echo
echo "Articles:          $(wc -l < "$OUT/articles.jsonl") lines in $PWD/$OUT/articles.jsonl"
echo "Editorial teasers: $(wc -l < "$OUT/editorial_teasers.jsonl") lines in $PWD/$OUT/editorial_teasers.jsonl"
echo "Crawl stats:       $PWD/$OUT/last_crawl.json"
exit "$code"
