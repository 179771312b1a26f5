# Thin front over CMake and the scripts in scripts/. See README.md.
BUILD ?= build
DATA ?= data
JOBS ?= $(shell nproc)

.PHONY: run test bench build server configure web bootstrap clean

# Build only what serving needs, so the first `make run` is quick.
run: bootstrap server web
	scripts/run.sh "$(DATA)"

test: bootstrap build web
	scripts/test.sh "$(BUILD)"

bench: bootstrap build web
	scripts/bench.sh "$(BUILD)"
	scripts/bench-jt808.sh "$(BUILD)"

bootstrap:
	@scripts/bootstrap.sh

configure:
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

server: configure
	cmake --build $(BUILD) -j $(JOBS) --target sightline

build: configure
	cmake --build $(BUILD) -j $(JOBS)

web:
	@scripts/build-web.sh

clean:
	rm -rf $(BUILD) web/dist
