#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every fuzz target for a bounded time: fuzz/run.sh BUILD_DIR [SECONDS]
# Seeds come from fuzz/corpus/<target>/ (committed, read-only); new inputs go to
# BUILD_DIR/corpus/<target>/. Crash reproducers land in BUILD_DIR/artifacts/.
set -euo pipefail
build=${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS]}
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build/artifacts"
for t in fuzz_wire_plain fuzz_wire_sealed fuzz_legacy fuzz_event_log fuzz_experiment fuzz_oebin; do
  mkdir -p "$build/corpus/$t"
  echo "== $t (${seconds}s)"
  "$build/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$build/artifacts/$t-" "$build/corpus/$t" "$here/corpus/$t"
done
