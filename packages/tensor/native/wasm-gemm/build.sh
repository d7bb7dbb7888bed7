#!/usr/bin/env bash
# Builds the wasm GEMM (gemm.c) that src/accel/wasm-gemm.ts loads, in two flavours: plain SIMD-128
# (every engine with wasm SIMD) and relaxed SIMD (fused multiply-add; Node ≥ 22, or Node 20 with V8's
# flag, which the loader sets). The .wasm files and build.json are committed, so nothing compiles at
# install time or in CI; a test checks that build.json's hashes match gemm.c, this script and the
# binaries, so an edit without a rebuild fails.
# Needs clang and lld for wasm32 (Debian bookworm: apt-get install -y clang-16 lld-16).
set -euo pipefail
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-16}
OBJDUMP=${OBJDUMP:-llvm-objdump-16}

# No libc (bulk memory turns the compiler's zero-fill loops into memory.fill), no entry point, tfjs's
# memory imported, no stack (size 0): the module must own no address in a memory tfjs allocates.
flags=(--target=wasm32 -O3 -msimd128 -mbulk-memory -nostdlib -Wl,--no-entry -Wl,--import-memory
  -Wl,-z,stack-size=0 -Wl,--initial-memory=65536 -Wl,--strip-all)
"$CLANG" "${flags[@]}" -o gemm-simd128.wasm gemm.c
"$CLANG" "${flags[@]}" -mrelaxed-simd -DRELAXED -o gemm-relaxed-simd.wasm gemm.c

for wasm in gemm-simd128.wasm gemm-relaxed-simd.wasm; do
  if "$OBJDUMP" -h "$wasm" | grep -qw DATA; then
    echo "build.sh: $wasm has a data segment, which would overwrite tfjs's heap" >&2
    exit 1
  fi
  if "$OBJDUMP" -d "$wasm" | grep -q 'global\.'; then
    echo "build.sh: $wasm uses a global (the shadow stack pointer), which points into tfjs's heap" >&2
    exit 1
  fi
done

sha() { sha256sum "$1" | cut -d' ' -f1; }
cat >build.json <<JSON
{
  "compiler": "$("$CLANG" --version | head -n1)",
  "sha256": {
    "gemm.c": "$(sha gemm.c)",
    "build.sh": "$(sha build.sh)",
    "gemm-simd128.wasm": "$(sha gemm-simd128.wasm)",
    "gemm-relaxed-simd.wasm": "$(sha gemm-relaxed-simd.wasm)"
  }
}
JSON
echo "build.sh: built $(wc -c <gemm-simd128.wasm) + $(wc -c <gemm-relaxed-simd.wasm) bytes"
