#!/usr/bin/env bash
# The long unattended fuzzing run (NOT for CI): JSONL ingest then HTML ingest, one process at a time, at the
# lowest CPU priority, crashes logged and fuzzing continued (FUZZ_KEEP_GOING). Logs and the grown corpora go to
# $FUZZ_OUT (default /tmp/spinscope-fuzz). Usage: bash fuzz/run_all.sh [JSONL_RUNS] [HTML_RUNS] [MAX_SECONDS_EACH]
set -u
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
OUT=${FUZZ_OUT:-/tmp/spinscope-fuzz}
JSONL_RUNS=${1:-800000}
HTML_RUNS=${2:-300000}
MAX_SECONDS=${3:-3600}
mkdir -p "$OUT/html-corpus" "$OUT/jsonl-corpus" "$OUT/artifacts"
common=(-max_len=4096 -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$OUT/artifacts/"
        -max_total_time="$MAX_SECONDS")
FUZZ_KEEP_GOING="$OUT/jsonl-crashes.jsonl" nice -n 19 "$PY" fuzz/fuzz_jsonl_ingest.py "$OUT/jsonl-corpus" \
  fuzz/corpus/jsonl -dict=fuzz/json.dict -runs="$JSONL_RUNS" "${common[@]}" > "$OUT/jsonl.log" 2>&1
echo "jsonl exit $?" >> "$OUT/status"
FUZZ_KEEP_GOING="$OUT/html-crashes.jsonl" nice -n 19 "$PY" fuzz/fuzz_html_ingest.py "$OUT/html-corpus" \
  fuzz/corpus/html -dict=fuzz/html.dict -runs="$HTML_RUNS" "${common[@]}" > "$OUT/html.log" 2>&1
echo "html exit $?" >> "$OUT/status"
