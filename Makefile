# Aurum Solar: every command a developer or operator runs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := backend/venv
VPY := $(VENV)/bin/python
AURUM := $(VENV)/bin/aurum
PUBLIC := aurum-chat-solar-main
ADMIN := admin-dashboard
SPAS := $(PUBLIC) $(ADMIN)
export AURUM_DATA_DIR ?= $(CURDIR)/data

# Source files whose change makes a SPA build stale.
spa_sources = $(shell find $(1)/src $(1)/public -type f 2>/dev/null) \
	$(wildcard $(1)/index.html $(1)/vite.config.ts $(1)/tsconfig*.json $(1)/package-lock.json) \
	$(wildcard .env)

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[1m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# ---------------------------------------------------------------- install
# pip's output goes to a log, shown only when an install fails.
PIP_INSTALL = @mkdir -p build && echo "Installing $(1) (log: build/pip.log)..." && \
	$(VPY) -m pip install --quiet -c backend/constraints.txt $(2) > build/pip.log 2>&1 \
	|| { cat build/pip.log; exit 1; }

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	@$(VPY) -m pip install --quiet --upgrade pip > /dev/null 2>&1 || true

$(VENV)/.installed-runtime: backend/pyproject.toml backend/constraints.txt | $(VENV)/bin/python
	$(call PIP_INSTALL,the backend,-e backend)
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-runtime
	$(call PIP_INSTALL,the backend's test tools,-e 'backend[dev]')
	@touch $@

%/node_modules/.package-lock.json: %/package-lock.json
	cd $* && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

e2e/node_modules/.package-lock.json: e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: install
install: $(VENV)/.installed-dev $(foreach s,$(SPAS) e2e,$(s)/node_modules/.package-lock.json) ## Install backend (with dev tools) and all npm packages

# ---------------------------------------------------------------- build
$(PUBLIC)/dist/index.html: $(PUBLIC)/node_modules/.package-lock.json $(call spa_sources,$(PUBLIC))
	cd $(PUBLIC) && npm run build --silent
	@touch $@

$(ADMIN)/dist/index.html: $(ADMIN)/node_modules/.package-lock.json $(call spa_sources,$(ADMIN))
	cd $(ADMIN) && npm run build --silent
	@touch $@

.PHONY: build
build: $(PUBLIC)/dist/index.html $(ADMIN)/dist/index.html ## Build both SPAs when their build is missing or stale

# ---------------------------------------------------------------- run
.PHONY: migrate
migrate: $(VENV)/.installed-runtime ## Apply database migrations (aurum db upgrade)
	$(AURUM) db upgrade

.PHONY: run
run: $(VENV)/.installed-runtime build migrate ## Start API :8000, public site :3001, admin :3002 (Ctrl-C stops all)
	@$(AURUM) ensure-admin
	$(AURUM) serve --all

.PHONY: dev
dev: $(VENV)/.installed-runtime $(foreach s,$(SPAS),$(s)/node_modules/.package-lock.json) migrate ## Same with auto-reload: uvicorn --reload and Vite dev servers
	@$(AURUM) ensure-admin
	./scripts/dev.sh

# ---------------------------------------------------------------- quality
.PHONY: lint
lint: $(VENV)/.installed-dev $(foreach s,$(SPAS),$(s)/node_modules/.package-lock.json) ## Lint and format-check everything
	cd backend && venv/bin/ruff check . && venv/bin/ruff format --check .
	for s in $(SPAS); do (cd $$s && npm run --silent lint) || exit 1; done

.PHONY: fmt
fmt: $(VENV)/.installed-dev ## Format and autofix the backend (ruff)
	cd backend && venv/bin/ruff format . && venv/bin/ruff check --fix .

.PHONY: api-types
api-types: $(VENV)/.installed-runtime $(foreach s,$(SPAS),$(s)/node_modules/.package-lock.json) ## Regenerate both SPAs' typed API clients from the backend's OpenAPI
	$(AURUM) openapi -o build/openapi.json
	for s in $(SPAS); do (cd $$s && OPENAPI_JSON=../build/openapi.json npm run --silent gen:api) || exit 1; done

.PHONY: check-api-types
check-api-types: $(VENV)/.installed-runtime $(foreach s,$(SPAS),$(s)/node_modules/.package-lock.json) ## Fail when a committed API client is stale
	./scripts/check-api-types.sh

# ---------------------------------------------------------------- tests
.PHONY: test
test: test-backend test-frontend check-api-types test-e2e ## Run every test (what CI runs)

.PHONY: test-backend
test-backend: $(VENV)/.installed-dev ## ruff, then pytest on the embedded default and on TEST_DATABASE_URL/TEST_REDIS_URL
	./scripts/test-backend.sh

.PHONY: test-frontend
test-frontend: $(foreach s,$(SPAS),$(s)/node_modules/.package-lock.json) ## Lint, type-check, Vitest, build and bundle budget for both SPAs
	for s in $(SPAS); do \
	  echo "== $$s"; \
	  (cd $$s && npm run --silent lint && npm run --silent typecheck && npm run --silent test && npm run --silent build && npm run --silent size) || exit 1; \
	done

.PHONY: test-e2e
test-e2e: $(VENV)/.installed-runtime e2e/node_modules/.package-lock.json $(foreach s,$(SPAS),$(s)/node_modules/.package-lock.json) ## Browser tests in Chromium against the running platform
	./scripts/test-e2e.sh

# ---------------------------------------------------------------- benchmarks
.PHONY: bench-solar
bench-solar: $(VENV)/.installed-dev ## Solar engine latency: data load, cold and warm estimates
	cd backend && venv/bin/python -m benchmarks.solar_bench

.PHONY: bench-chat
bench-chat: $(VENV)/.installed-dev ## Chat turns: 50 concurrent homeowners on PostgreSQL + Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL)
	cd backend && venv/bin/python -m benchmarks.chat_bench $(BENCH_ARGS)

.PHONY: bench-distribution
bench-distribution: $(VENV)/.installed-dev ## Selling: 10,000 leads, 2 API instances, 2 workers, 20 partners on PostgreSQL + Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL)
	cd backend && venv/bin/python -m benchmarks.distribution_bench $(BENCH_ARGS)

.PHONY: bench-webhooks
bench-webhooks: $(VENV)/.installed-dev ## Webhooks: deliveries per second with 2 workers, sale to first attempt p50/p99 (BENCH_DATABASE_URL)
	cd backend && venv/bin/python -m benchmarks.webhook_bench $(BENCH_ARGS)

.PHONY: outage-run
outage-run: $(VENV)/.installed-dev ## Two API instances + a worker through Redis and PostgreSQL outages: acknowledged leads lost and duplicated (must be 0)
	cd backend && venv/bin/python -m benchmarks.outage_run $(BENCH_ARGS)

.PHONY: bench-analytics
bench-analytics: $(VENV)/.installed-dev ## Analytics KPI routes over 1,000,000 leads on PostgreSQL: p95 warm over a year, rollup cost in a sale (BENCH_DATABASE_URL)
	cd backend && venv/bin/python -m benchmarks.analytics_bench $(BENCH_ARGS)

.PHONY: bench-export
bench-export: $(VENV)/.installed-dev ## Partner CSV export of 1,000,000 sold leads: the API against PostgreSQL's own COPY, and the API's memory (BENCH_DATABASE_URL)
	cd backend && .venv/bin/python -m benchmarks.export_bench $(BENCH_ARGS)

# ---------------------------------------------------------------- housekeeping
.PHONY: constraints
constraints: $(VENV)/.installed-dev ## Re-pin backend/constraints.txt from the installed venv (after changing dependencies), then requirements.txt
	{ echo "# Pinned versions for reproducible installs: pip install -c constraints.txt -e '.[dev]'"; \
	  echo "# Regenerate after changing dependencies: make constraints"; \
	  $(VPY) -m pip freeze --exclude-editable | grep -v '^-e' | sort -f; } > backend/constraints.txt
	$(MAKE) --no-print-directory requirements

.PHONY: requirements
requirements: $(VENV)/.installed-dev ## Regenerate backend/requirements.txt (runtime dependencies, pinned) from pyproject.toml and constraints.txt
	@mkdir -p build
	$(VPY) scripts/requirements.py > build/requirements.txt.new
	mv build/requirements.txt.new backend/requirements.txt

.PHONY: clean
clean: ## Remove builds, caches and installed packages (keeps ./data)
	rm -rf build $(VENV) backend/*.egg-info e2e/.build e2e/node_modules
	for s in $(SPAS); do rm -rf $$s/dist $$s/node_modules; done
	find backend -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf backend/.pytest_cache backend/.ruff_cache backend/.hypothesis

.PHONY: clean-data
clean-data: ## Delete the embedded database and local data (asks first)
	@read -p "Delete $(AURUM_DATA_DIR)? [y/N] " ans && [ "$$ans" = y ] && rm -rf "$(AURUM_DATA_DIR)" || echo "kept"
