#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every fuzz target for a bounded time: fuzz/run.sh BUILD_DIR [SECONDS]
# Seeds come from fuzz/corpus/<target>/ (committed, read-only) and, for the text parsers, from the
# large-input corpus (inputs up to 1 MB, deep nesting) that fuzz/make_large_inputs.py writes to
# BUILD_DIR/corpus-large/<target>/; new inputs go to BUILD_DIR/corpus/<target>/. Crash
# reproducers land in BUILD_DIR/artifacts/.
set -euo pipefail
build=${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS]}
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build/artifacts"
/usr/bin/python3 "$here/make_large_inputs.py" "$build/corpus-large"
for t in fuzz_wire_plain fuzz_wire_sealed fuzz_legacy fuzz_event_log fuzz_experiment fuzz_oebin; do
  mkdir -p "$build/corpus/$t"
  echo "== $t (${seconds}s)"
  flags=()
  seeds=()
  if [ -d "$build/corpus-large/$t" ]; then
    flags=(-max_len=1200000)
    seeds=("$build/corpus-large/$t")
  fi
  "$build/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 "${flags[@]}" \
      -artifact_prefix="$build/artifacts/$t-" "$build/corpus/$t" "$here/corpus/$t" "${seeds[@]}"
done
