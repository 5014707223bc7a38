#!/usr/bin/env bash
# The GPU check, as run on a lent H100/H200 (device tool) or any CUDA machine:
#   1. the card and torch,
#   2. benchmarks/bench_query_batching.py on CUDA (batched vs per-query, d = 128),
#   3. attnlab run query-learning --scale full --device cuda (B8: d = 768 and 4096 in
#      fp32/fp16/bf16 oracles, plus the full CPU grid), within QL_TIMEOUT seconds,
#   4. with what time is left of BUDGET seconds, inverse-temperature --scale full --device cuda
#      (its ≤ 10 min sizing was never measured; a cut-short run still shows cells per second).
# Summaries go to $OUT (at most 8 files). Uses the python3 on PATH with PYTHONPATH=repo root,
# so it runs without `make install` on an image that has torch, numpy, scipy, pandas,
# matplotlib and tqdm.
set -uo pipefail
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
OUT=${OUT:-/tmp/gpu-check}
PY=${PY:-python3}
RES=${RES:-/tmp/attnlab-results}
BUDGET=${BUDGET:-540}
QL_TIMEOUT=${QL_TIMEOUT:-420}
mkdir -p "$OUT" "$RES"
start=$(date +%s)

{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
  $PY -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name(0))"
} 2>&1 | tee "$OUT/gpu.txt"

$PY benchmarks/bench_query_batching.py --device cuda 2>&1 | tee "$OUT/bench_query_cuda.txt"

timeout "$QL_TIMEOUT" $PY -m attnlab.reproductions.cli run query-learning --scale full --device cuda \
    --out "$RES" --no-progress 2>&1 | tee "$OUT/query_learning_full.txt"
run="$RES/query-learning/full"
for f in VERDICT.md manifest.json tables/gpu.csv tables/breakdown.csv; do
    [ -f "$run/$f" ] && cp "$run/$f" "$OUT/"
done
if [ ! -f "$run/VERDICT.md" ]; then  # cut short: keep the B8 cells that finished
    grep -l '"kind":"gpu"' -r "$RES/query-learning/cells" 2>/dev/null | xargs -r cat \
        > "$OUT/gpu_cells.jsonl"
    find "$RES/query-learning/cells" -name '*.json' | wc -l | sed 's/^/cells stored: /' \
        >> "$OUT/query_learning_full.txt"
fi

left=$(( BUDGET - ($(date +%s) - start) - 15 ))
if [ "$left" -gt 30 ]; then
    echo "inverse-temperature full on cuda for at most $left s" | tee "$OUT/inverse_temperature_full.txt"
    timeout "$left" $PY -m attnlab.reproductions.cli run inverse-temperature --scale full --device cuda \
        --out "$RES" 2>&1 | tr '\r' '\n' | tail -40 >> "$OUT/inverse_temperature_full.txt"
    find "$RES/inverse-temperature/cells" -name '*.json' 2>/dev/null | wc -l | sed 's/^/cells stored: /' \
        >> "$OUT/inverse_temperature_full.txt"
fi
echo "total $(( $(date +%s) - start )) s"
