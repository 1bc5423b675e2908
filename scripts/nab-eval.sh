#!/usr/bin/env bash
# The NAB figure for docs/anomaly.md: runs the real `faultline detect` CLI on
# every file of the NAB subset through the independent harness (run.sh +
# score.py). NAB_DIR defaults to ../shared/eval/nab; extra args go to run.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NAB_DIR="${NAB_DIR:-$ROOT/../shared/eval/nab}"
exec "$NAB_DIR/run.sh" -j "${NAB_JOBS:-2}" "$@" "$NAB_DIR" "node $ROOT/bin/faultline.mjs detect --input {in} --output {out}"
