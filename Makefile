# The two commands of the README: `make demo` and `make test`. Both set the
# machine up first (Debian packages, the pinned grammar) and are idempotent.
PRESET ?= release
BIN := build/$(PRESET)/paramlint

.PHONY: all bootstrap bootstrap-test configure build demo test bench install clean

all: build

bootstrap:
	./scripts/bootstrap.sh

bootstrap-test:
	./scripts/bootstrap.sh --test

configure:
	@test -f build/$(PRESET)/build.ninja || cmake --preset $(PRESET)

build: bootstrap configure
	cmake --build --preset $(PRESET) -j2

demo: build
	./scripts/demo.sh $(BIN)

# Then each checkpoint reader's libFuzzer target runs 10 s on its seeds
# (clang build in build/fuzz; fuzz/run.sh runs one longer).
test: bootstrap-test configure
	cmake --build --preset $(PRESET) -j2
	ctest --preset $(PRESET)
	@test -f build/fuzz/build.ninja || cmake --preset fuzz
	cmake --build --preset fuzz -j2
	ctest --preset fuzz

# `make install PREFIX=/usr/local`: the program, paramlint(1) and the docs.
install: build
	cmake --install build/$(PRESET) $(if $(PREFIX),--prefix $(PREFIX))

bench: build
	./bench/run.sh

clean:
	rm -rf build/dev build/release build/asan
