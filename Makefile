SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
RASA    := $(VENV)/bin/rasa
MODEL   := models/assistant.tar.gz
export OMP_NUM_THREADS ?= 1
# Rasa caches component outputs keyed by config, not code: never reuse them.
export RASA_MAX_CACHE_SIZE ?= 0
export TF_CPP_MIN_LOG_LEVEL ?= 2
export PYTHONWARNINGS ?= ignore
# Rasa 3.6 runs on Python 3.8-3.10; these machines carry 3.10.13 under pyenv.
PYTHON310 ?= $(shell p=$$(pyenv prefix 3.10.13 2>/dev/null) && echo $$p/bin/python3.10 || command -v python3.10)

MODEL_INPUTS := config.yml domain.yml $(wildcard data/nlu/*.yml data/rules/*.yml data/jieba/*.txt bot/nlu/*.py)

.PHONY: help setup train run redis chat parse demo-data system-packages test test-fast retrain eval eval-conversations pii-eval compare bench bench-service cluster soak lint clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements.lock
	@test -x "$(PYTHON310)" || { echo "error: Python 3.10 not found (install it with pyenv: pyenv install 3.10.13)"; exit 1; }
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip<25"
	$(PY) -m pip install --quiet -r requirements.txt -c requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "error: npm not found (install Node.js 18+)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed ## Create .venv (Python 3.10), install pinned Python and npm packages

$(MODEL): $(VENV)/.installed $(MODEL_INPUTS)
	$(PY) scripts/build_lookups.py --check
	$(RASA) train --config config.yml --domain domain.yml --data data/nlu data/rules --out models --fixed-model-name assistant
	@touch $@

train: $(MODEL) ## Train the assistant (NLU + dialogue rules) into models/ when data or code changed

SHOP  ?= wuhan
BUYER ?= wuhan-paid_not_shipped

run: $(MODEL) node_modules/.installed system-packages ## Set up what is missing, train, start a local Redis (unless REDIS_URL) + the API (demo shops, SQLite), print the URLs
	$(PY) -m api run

redis: $(VENV)/.installed ## A Redis on localhost:6379 for plain Rasa's endpoints.yml (if none runs)
	$(PY) -m api redis

chat: $(MODEL) ## Chat in the terminal as a demo buyer (SHOP=, BUYER=) and see suggestions
	$(PY) -m bot chat --shop $(SHOP) --buyer $(BUYER)

parse: $(MODEL) ## Parse buyer messages typed one per line (JSON out)
	$(PY) -m bot parse

demo-data: $(VENV)/.installed ## Create/upgrade the order store (DATABASE_URL or var/shop.db) and load the demo shops
	$(PY) -m bot demo-data

system-packages: ## Debian packages the tests run for real (redis-server, chromium, a Chinese font)
	bash scripts/system_packages.sh

test: $(MODEL) node_modules/.installed system-packages ## Set up what is missing, train, and run the whole test suite
	$(PY) -m pytest -q

test-fast: $(VENV)/.installed ## Under a minute, no model: approve/reject/compliance/review/metrics/auth against a fake NLU, plus the dialogue core
	$(PY) -m pytest -q tests/api_fast tests/api_fast_reused tests/bot/dialogue tests/actions tests/bot/test_compliance.py -m "not model"

retrain: $(MODEL) ## Train a candidate with the reviewed messages; before/after per intent (activate on /review)
	$(PY) -m bot retrain

eval: $(MODEL) ## Held-out test, 5-fold cross-validation and real buyer turns; writes results/
	$(PY) scripts/evaluate.py

eval-conversations: $(MODEL) ## Replay the held-out conversations (tests/data/conversations_heldout2/, blind and unread) through the service path; sendable-suggestion shares per sub-topic
	$(PY) scripts/eval_conversations.py

pii-eval: $(VENV)/.installed ## Masking precision/recall on the labelled PII sets (tests/data/pii/)
	$(PY) scripts/eval_pii.py

compare: $(VENV)/.installed ## Compare candidate classifiers (bench/configs/*.yml) on accuracy and speed
	$(PY) bench/compare_classifiers.py

bench: $(MODEL) ## Parse latency, throughput, training time and memory, as a table
	$(PY) bench/parse_bench.py

bench-service: $(MODEL) system-packages ## End-to-end API latency (1 and 8 clients) and turn 1 vs turn 50
	$(PY) bench/service_bench.py

cluster: $(MODEL) system-packages ## N API processes (WORKERS=, default 3) behind HAProxy on their own PostgreSQL and Redis (deploy/)
	$(PY) -m deploy.cluster --workers $(or $(WORKERS),3)

soak: $(MODEL) system-packages ## Soak and fault test through HAProxy (SOAK_CLIENTS=16, SOAK_CONVERSATIONS=200 each): a process killed, Redis restarted; results/soak.json
	SOAK=1 $(PY) -m pytest -q -s tests/deploy/test_soak.py

lint: $(VENV)/.installed ## ruff
	$(VENV)/bin/ruff check bot actions api tests bench scripts deploy

clean: ## Remove models, results and the embedded database (keeps .venv)
	rm -rf models results .rasa var
