#!/usr/bin/env bash
# Builds the elementwise loops (loops.c) that src/wasm-loops.ts loads onto tfjs-backend-wasm's
# memory. loops.wasm and build.json are committed, so nothing compiles at install time or in CI; a test
# checks that build.json's hashes match loops.c, this script and the binary.
# Needs clang and lld for wasm32 (Debian bookworm: apt-get install -y clang-16 lld-16).
set -euo pipefail
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-16}
OBJDUMP=${OBJDUMP:-llvm-objdump-16}

# No libc (bulk memory turns zero-fill loops into memory.fill), no entry point, tfjs's memory imported,
# no stack: the module must own no address in a memory tfjs allocates. -ffp-contract=off: no fused
# multiply-adds, so the vector and scalar paths round alike.
"$CLANG" --target=wasm32 -O3 -msimd128 -mbulk-memory -ffp-contract=off -nostdlib -Wl,--no-entry -Wl,--import-memory \
  -Wl,-z,stack-size=0 -Wl,--initial-memory=65536 -Wl,--strip-all -Wl,--export=adam -Wl,--export=polyak \
  -Wl,--export=column_sums -Wl,--export=relu_backward \
  -o loops.wasm loops.c

if "$OBJDUMP" -h loops.wasm | grep -qw DATA; then
  echo "build.sh: loops.wasm has a data segment, which would overwrite tfjs's heap" >&2
  exit 1
fi
if "$OBJDUMP" -d loops.wasm | grep -q 'global\.'; then
  echo "build.sh: loops.wasm uses a global (the shadow stack pointer), which points into tfjs's heap" >&2
  exit 1
fi

sha() { sha256sum "$1" | cut -d' ' -f1; }
cat >build.json <<JSON
{
  "compiler": "$("$CLANG" --version | head -n1)",
  "sha256": {
    "loops.c": "$(sha loops.c)",
    "build.sh": "$(sha build.sh)",
    "loops.wasm": "$(sha loops.wasm)"
  }
}
JSON
echo "build.sh: built $(wc -c <loops.wasm) bytes"
