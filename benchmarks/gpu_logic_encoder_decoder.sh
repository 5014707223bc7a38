#!/bin/bash
# The logic-encoder-decoder reproduction at full scale on one GPU (device machine): A9 compares
# torch fp32/fp16/bf16 kernels on the GPU with the exact emulator; everything else is the CPU
# emulator. Writes the card, the log and every result as a tarball to $OUT.
# Run from the repository root: OUT=/some/dir bash benchmarks/gpu_logic_encoder_decoder.sh
set -u
export PYTHONPATH=$PWD
OUT=${OUT:-/tmp/gpu_led_out}
PY=${PY:-python3}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT/device.txt"
$PY -c "import torch, sys; print('torch', torch.__version__, 'python', sys.version.split()[0])" \
  | tee -a "$OUT/device.txt"
start=$(date +%s)
timeout "${BUDGET:-480}" $PY -m attnlab.reproductions.cli run logic-encoder-decoder --scale full \
  --device cuda --out /tmp/gpu_led_res --no-progress > "$OUT/full.log" 2>&1
echo "rc=$? wall=$(( $(date +%s) - start )) s" | tee -a "$OUT/full.log"
tar czf "$OUT/results.tgz" -C /tmp/gpu_led_res . 2>/dev/null
tail -20 "$OUT/full.log"
