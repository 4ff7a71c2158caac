# HayMaker — the two commands: `make run` and `make test`. Everything else is for developers.
# npm scripts run on the Node 24 that the repository pins (node_modules/.bin/node), whatever Node the
# machine has; see DEVELOPERS.md.
SHELL := /bin/bash
export TURBO_TELEMETRY_DISABLED := 1
export NEXT_TELEMETRY_DISABLED := 1

.PHONY: run test install check typecheck lint format generate bench clean

# Installs what the lockfile says, once per change. Not `npm ci`: it insists on lockfile entries for every
# platform's optional binaries (biome, turbo), which registry mirrors without those platforms cannot provide;
# with every version pinned exactly, `npm install` installs the locked tree just the same.
node_modules/.install-stamp: package.json package-lock.json $(wildcard */package.json shared/*/package.json services/*/package.json)
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

install: node_modules/.install-stamp

## Start HayMaker on its embedded defaults (Ctrl+C stops it).
run: install
	@npm run --silent start

## Install what is needed, check types and lint, then run every test.
test: install
	npm run --silent check
	npm run --silent test:ci

check: install
	npm run --silent check

typecheck: install
	npm run --silent typecheck

lint: install
	npm run --silent lint

format: install
	npm run --silent format

## Rewrite the generated broker Config.json and Bicep topology from contracts.
generate: install
	npm run --silent generate

bench: install
	npm run --silent bench:bus

clean:
	rm -rf node_modules */node_modules shared/*/node_modules services/*/node_modules .haymaker .turbo
