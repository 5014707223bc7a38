#!/bin/bash
# The linear-attention-ntk reproduction at full scale on one GPU (device machine): writes the
# card, the run's log and every result (cells, tables, figures, verdict) as a tarball to $OUT.
# Run from the repository root: OUT=/some/dir bash benchmarks/gpu_ntk.sh
set -u
export PYTHONPATH=$PWD
OUT=${OUT:-/tmp/gpu_ntk_out}
PY=${PY:-python3}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT/device.txt"
$PY -c "import torch, sys; print('torch', torch.__version__, 'python', sys.version.split()[0])" \
  | tee -a "$OUT/device.txt"
# An image without scikit-learn needs the digits file: copy
# .venv/lib/python3*/site-packages/sklearn/datasets/data/digits.csv.gz to results/_device/
# beforehand (the device tool carries it with `carry: ["results/_device"]`).
if ! $PY -c "import sklearn" 2>/dev/null; then
  export ATTNLAB_DIGITS_CSV=$PWD/results/_device/digits.csv.gz
  [ -f "$ATTNLAB_DIGITS_CSV" ] || echo "no scikit-learn and no $ATTNLAB_DIGITS_CSV: digits cells will fail"
fi
start=$(date +%s)
timeout "${BUDGET:-480}" $PY -m attnlab.reproductions.cli run linear-attention-ntk --scale full \
  --device cuda --out /tmp/gpu_ntk_res --no-progress > "$OUT/full.log" 2>&1
echo "rc=$? wall=$(( $(date +%s) - start )) s" | tee -a "$OUT/full.log"
tar czf "$OUT/results.tgz" -C /tmp/gpu_ntk_res . 2>/dev/null
tail -20 "$OUT/full.log"
