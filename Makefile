# multisoc: the few commands a person types. Each target installs what is
# missing first (scripts/install-deps is idempotent and quick when all is there).
#   make demo   build, generate demo tenants and data, load and serve them
#   make check  build the dev and asan presets and run every test suite
#   make build  release build: build/release/multisoc
.PHONY: all deps build dev asan check demo bench fuzz clean

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_DIR ?= ./demo-data

all: build

deps:
	@./scripts/install-deps

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

dev: deps
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev -j $(JOBS)

asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

# Both presets run the whole suite; the last line printed is CTest's summary.
check: dev asan
	@ctest --preset dev
	@ctest --preset asan

demo: build
	@./scripts/demo "$(DEMO_DIR)"

bench: build
	@./bench/run

fuzz: asan
	@./scripts/fuzz

clean:
	rm -rf build
