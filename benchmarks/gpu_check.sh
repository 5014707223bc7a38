#!/usr/bin/env bash
# `make gpu-check`: the two full scales that need a GPU, back to back, on one CUDA machine
# (issue 17), everything into one folder $OUT:
#   gpu.txt                 the card, driver, torch
#   stream_rows.jsonl       one exact row at n = 1e8 and 1e9 (DRY: 1e6, 2e6) per family, timed:
#                           streamed (cells.STREAM_CHUNK) and, where it fits, sorted whole —
#                           the per-row numbers behind the budget in inverse_temperature/config.py
#   inverse-temperature/    VERDICT.md, verdict.json, manifest.json (wall time), figures/, tables/
#   pooled-spectra/         the same
#   <slug>.log              the run's output; timings.txt: seconds and exit code of every step
#
# Sized for 15 device-minutes including start-up: each paper gets a timeout (IT_TIMEOUT,
# PS_TIMEOUT, default 300 s), so a cut-short step leaves room for a rerun; a rerun resumes
# from the cells stored under $RES (kept while the machine stays warm). STEPS picks steps
# ("info stream it ps" by default); a step that cannot finish in what is left of BUDGET is
# skipped. The steps "lora" (lora-forgetting's full scale, sized for ≤ 8 min on one H100) and
# "logic" (logic-encoder-decoder's full scale: A9's fp32/fp16/bf16 kernels on the GPU),
# LORA_TIMEOUT / LOGIC_TIMEOUT default 480 s, are not in the default: each needs a session of
# its own, `STEPS="info lora" make gpu-check`, `STEPS="info logic" make gpu-check`.
#
# Cells run in parallel with --engine dask when `distributed` imports (WORKERS processes,
# default 8; the semi-analytic rows and the models' CPU half need them: serially they alone
# exceed 5 minutes). The device image has no dask: carry its wheels in .whl/ (see
# /work/.library/device/README.md: dask distributed partd locket tblib zict tornado, pure
# Python or abi3) and they are installed into /tmp/site first. Without dask it runs serially.
#
# DRY=1: the same script end to end on the CPU at reduced size (SCALE=smoke, DEVICE=cpu,
# streamed rows at 1e6/2e6) — what `make gpu-check DRY=1` runs on a laptop in ~2 minutes.
set -uo pipefail
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
DRY=${DRY:-0}
if [ "$DRY" = 1 ]; then dflt_scale=smoke dflt_device=cpu dflt_timeout=150 dflt_workers=2
else dflt_scale=full dflt_device=cuda dflt_timeout=300 dflt_workers=8; fi
SCALE=${SCALE:-$dflt_scale}
DEVICE=${DEVICE:-$dflt_device}
IT_TIMEOUT=${IT_TIMEOUT:-$dflt_timeout}
PS_TIMEOUT=${PS_TIMEOUT:-$dflt_timeout}
if [ "$DRY" = 1 ]; then dflt_own=150; else dflt_own=480; fi
LORA_TIMEOUT=${LORA_TIMEOUT:-$dflt_own}
LOGIC_TIMEOUT=${LOGIC_TIMEOUT:-$dflt_own}
WORKERS=${WORKERS:-$dflt_workers}
BUDGET=${BUDGET:-720}  # seconds of this script (the device's 15 min, less start-up)
STEPS=${STEPS:-info stream it ps}
OUT=${OUT:-/tmp/gpu-check}
PY=${PY:-python3}
RES=${RES:-/tmp/attnlab-results}
mkdir -p "$OUT" "$RES"
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
has() { case " $STEPS " in *" $1 "*) return 0;; esac; return 1; }
echo "# step seconds rc (scale $SCALE, device $DEVICE, budget $BUDGET s)" >> "$OUT/timings.txt"
record() { echo "$1 $2 $3" | tee -a "$OUT/timings.txt"; }

if [ -d .whl ] && ! $PY -c "import distributed" 2>/dev/null; then
    $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl && export PYTHONPATH="$PYTHONPATH:/tmp/site"
fi
engine=(--engine serial)
if [ "$WORKERS" -gt 1 ] && $PY -c "import distributed" 2>/dev/null; then
    engine=(--engine dask --workers "$WORKERS")
else
    echo "warning: no dask here: cells run serially (the full scales will not fit)" | tee -a "$OUT/timings.txt"
fi

if has info; then
    { command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
      $PY -c "import torch, platform; print('python', platform.python_version(), 'torch', torch.__version__,
torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no CUDA')"
      echo "engine: ${engine[*]}"; nproc | sed 's/^/cpus: /'
    } 2>&1 | tee "$OUT/gpu.txt"
fi

if has stream; then  # per-row cost of the rows the budget rests on, before the full run
    t0=$(date +%s)
    if [ "$DRY" = 1 ]; then ns="1000000 2000000"; else ns="100000000 1000000000"; fi
    timeout 120 $PY - "$DEVICE" $ns > "$OUT/stream_rows.jsonl" 2>> "$OUT/stream_rows.log" <<'EOF'
import json, sys, time
import numpy as np, torch
from attnlab import theory
from attnlab.probes import summarize_row
from attnlab.probes._rows import summarize_streamed_row
from attnlab.probes._samplers import exact_row_chunks
from attnlab.reproductions.inverse_temperature.cells import STREAM_CHUNK
device, ns = sys.argv[1], [int(v) for v in sys.argv[2:]]
torch.set_num_threads(1)
sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
summarize_streamed_row(exact_row_chunks("gaussian", 10**6, seed=0, device=device), [1.0])  # warm-up
for n in ns:
    for family in ("exponential", "gaussian", "log-exponential", "thin-endpoint"):
        scale = float(theory.predicted_scale(family, n))
        betas = np.concatenate([np.geomspace(1e-2, 1e2, 201) * scale, [scale / 3, scale * 3]])
        chunks = exact_row_chunks(family, n, seed=1, device=device, chunk=STREAM_CHUNK)
        rec = {"family": family, "n": n, "device": device}
        if device == "cuda":
            torch.cuda.reset_peak_memory_stats()
        sync(); t = time.perf_counter()
        got = summarize_streamed_row(chunks, betas)
        sync(); rec["streamed_s"] = round(time.perf_counter() - t, 3)
        if device == "cuda":
            rec["streamed_peak_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
        if n <= 10**8 or device == "cpu":  # the sorted path, for the ratio (8 GB rows: skip)
            s = torch.cat(list(chunks()))
            sync(); t = time.perf_counter()
            ref = summarize_row(s.max() - s, betas)
            sync(); rec["sorted_s"] = round(time.perf_counter() - t, 3)
            rec["same_lambda"] = (got.lambda_raw, got.lambda_robust) == (ref.lambda_raw,
                                                                         ref.lambda_robust)
            rec["max_rel_pmax"] = float(np.max(np.abs(got.stats.max_weight / ref.stats.max_weight - 1)))
            del s
        print(json.dumps(rec), flush=True)
EOF
    record stream $(( $(date +%s) - t0 )) $?
fi

run_paper() {  # step, slug, timeout
    local step=$1 slug=$2 limit=$3 left t0 rc
    left=$(( BUDGET - $(elapsed) - 10 ))
    if [ "$left" -lt 60 ]; then record "$slug" 0 skipped; return; fi
    [ "$limit" -gt "$left" ] && limit=$left
    echo "$slug --scale $SCALE --device $DEVICE for at most $limit s" | tee "$OUT/$slug.log"
    t0=$(date +%s)
    timeout "$limit" $PY -m attnlab.reproductions.cli run "$slug" --scale "$SCALE" \
        --device "$DEVICE" "${engine[@]}" --out "$RES" --no-progress >> "$OUT/$slug.log" 2>&1
    rc=$?
    record "$slug" $(( $(date +%s) - t0 )) $rc
    mkdir -p "$OUT/$slug"
    for run in "$RES/$slug"/*/; do
        [ -f "$run/manifest.json" ] || continue
        cp -r "$run/VERDICT.md" "$run/verdict.json" "$run/manifest.json" "$run/figures" \
            "$run/tables" "$OUT/$slug/" 2>/dev/null
    done
    find "$RES/$slug/cells" -name '*.json' 2>/dev/null | wc -l | sed 's/^/cells stored: /' \
        >> "$OUT/$slug.log"
    [ "$rc" -eq 124 ] && echo "cut short: rerun with STEPS=$step to resume" >> "$OUT/$slug.log"
}
has it && run_paper it inverse-temperature "$IT_TIMEOUT"
has ps && run_paper ps pooled-spectra "$PS_TIMEOUT"
has lora && run_paper lora lora-forgetting "$LORA_TIMEOUT"
has logic && run_paper logic logic-encoder-decoder "$LOGIC_TIMEOUT"
record total "$(elapsed)" 0
