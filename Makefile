# The two commands of the README: `make demo` and `make test`. Both set the
# machine up first (Debian packages, the pinned grammar) and are idempotent.
PRESET ?= release
BIN := build/$(PRESET)/paramlint

.PHONY: all bootstrap bootstrap-test configure build demo test test-fast test-asan test-tsan fuzz bench \
        install clean

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

# `make test` (what CI runs): the release suite; then each libFuzzer target
# runs 10 s on its seeds and replays the inputs that once crashed it (clang
# build in build/fuzz; `make fuzz` runs longer); then the whole suite again
# under ASan + UBSan + LSan (`test-asan` below). `make test-fast` stops
# after the fuzz targets (the developer's loop).
test: test-fast test-asan

test-fast: bootstrap-test configure
	cmake --build --preset $(PRESET) -j2
	ctest --preset $(PRESET)
	@test -f build/fuzz/build.ninja || cmake --preset fuzz
	cmake --build --preset fuzz -j2
	ctest --preset fuzz

# The whole test suite again, built with AddressSanitizer and UBSan (the
# `asan` preset; a finding fails its test). The program the CLI tests run,
# its C++ module and the tests are all instrumented; tests/asan.supp lists
# the leaks of libraries that are not ours. intercept_tls_get_addr=0: with
# glibc 2.36, GCC 12's LeakSanitizer misreads the dynamic TLS blocks of the
# LLVM libraries the C++ module loads (a range starting at 0xa08) and its
# tracer dies with SIGSEGV ("does not work under ptrace") in the verify tests
# of C++ code; without the interception it scans static TLS only.
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:intercept_tls_get_addr=0 \
  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/asan.supp:print_suppressions=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# LeakSanitizer stops the process's threads with ptrace at exit; where the
# machine forbids that (some containers), every test would fail with its
# "fatal error": the probe below says so and runs with leak checks off
# (ASan and UBSan stay on) rather than fail for the machine.
LSAN_FATAL := LeakSanitizer has encountered a fatal error
test-asan: bootstrap-test
	@test -f build/asan/build.ninja || cmake --preset asan
	$(ASAN_ENV) cmake --build --preset asan -j2
	@if $(ASAN_ENV) build/asan/paramlint --version 2>&1 | grep -q "$(LSAN_FATAL)"; then \
	  echo "make test-asan: LeakSanitizer cannot run on this machine (no ptrace); leak checks off, ASan and UBSan on" >&2; \
	  $(ASAN_ENV) ASAN_OPTIONS=detect_leaks=0:intercept_tls_get_addr=0 ctest --preset asan; \
	else \
	  $(ASAN_ENV) ctest --preset asan; \
	fi

# The suites that run work on several threads in one process (the parallel
# link, interning, the parse arena, directory listings, the caches,
# analyze()), built with ThreadSanitizer; a reported race fails its test.
# Not part of `make test` (a third full build): run it after changing what
# runs on the workers.
test-tsan: bootstrap-test
	@test -f build/tsan/build.ninja || cmake --preset tsan
	cmake --build --preset tsan -j2
	ctest --preset tsan

# `make fuzz FUZZ_SECONDS=N`: every fuzz target for N seconds, one after the
# other, growing its corpus in build/fuzz/corpus (fuzz/run.sh); a target
# that crashes leaves its input in build/fuzz/artifacts and fails the run
# after the others have had their turn.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := safetensors gguf npy zip pickle index python notebook config fix
fuzz: bootstrap-test
	@failed=; for t in $(FUZZ_TARGETS); do \
	  ./fuzz/run.sh $$t $(FUZZ_SECONDS) || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: crashes in:$$failed"; exit 1; fi

# `make install PREFIX=/usr/local`: the program, paramlint(1) and the docs.
install: build
	cmake --install build/$(PRESET) $(if $(PREFIX),--prefix $(PREFIX))

bench: build
	./bench/run.sh

clean:
	rm -rf build/dev build/release build/asan build/tsan
