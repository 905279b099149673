#!/usr/bin/env bash
# A real hub node with `threads = 1` vs `threads = 2` under high spike load (docs/benchmarks.md,
# "A real hub node, threads = 1 vs 2"). Runs bench/node/hub_threads_node.toml as two real-time
# `ion node` processes (chip, hub) over loopback, alternating 1, 2, 1, 2, ... and prints one line
# per run. Each run holds /tmp/ion-realtime.lock (shared with other benchmarks) for its own
# duration only (warm-up + DURATION + a few seconds).
#
#   bench/node/hub_threads_node.sh            # ROUNDS=3 rounds of (1, 2), 10 s each, P at 400 Hz
#   RULE=ltd RATE=800Hz DURATION=20s ROUNDS=1 ION=build/ion OUT=/tmp/x bench/node/hub_threads_node.sh
#
# RULE=ltp (default: the file's rule): every S spike after the first second is one LTP pulse,
#   ~19 000 pulses/s asked of the hub at 400 Hz (S fires ~75 Hz once its weight has grown).
# RULE=ltd: every S spike is one LTD pulse (ltp_above = 999 999, ltd_below = 10^6, the largest
#   allowed), which drives the weights down, so S soon fires at little more than its 5 Hz: a few
#   thousand pulses/s at most, same spike load.
# OUT=/dev/shm/... puts the run directory, and so the hub's crossbar write-ahead log (one
#   fdatasync per pulse), on tmpfs: the same runs without the disk.
# $OUT/summary.tsv has one line per run (bench/node/hub_threads_node_summary.py says what each
# column is made from).
#
# Per run, in $OUT/rN-tT/: both nodes' logs, /usr/bin/time -v of each node (*.time), the hub's
# per-thread CPU from /proc/PID/task/*/stat sampled every 0.2 s (hub.threads: the last sample
# before it exited), `ion report` output (report.txt), `uptime` before and after.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ION=$(realpath "${ION:-$here/../../build/ion}")
CFG=$here/hub_threads_node.toml
RATE=${RATE:-400Hz} DURATION=${DURATION:-10s} WARMUP=${WARMUP:-2s} ROUNDS=${ROUNDS:-3}
RULE=${RULE:-ltp}
OUT=${OUT:-/tmp/ion-hub-threads-node-$RULE}
mkdir -p "$OUT"

# One run: both nodes under /usr/bin/time, the hub's threads sampled until it exits.
run_one() {  # DIR THREADS
  local dir=$1 threads=$2
  local set=(--set "sites.hub.threads=$threads" --set "neurons.P.drive.rate=$RATE")
  [[ $RULE == ltd ]] && set+=(--set synapses.PS.plasticity.ltp_above=999999
                              --set synapses.PS.plasticity.ltd_below=1000000)
  local common=(--out "$dir" --keys "$dir/keys" --duration "$DURATION" --warmup "$WARMUP" --status-period 1s)
  /usr/bin/time -v -o "$dir/hub.time" "$ION" node "$CFG" --site hub "${common[@]}" "${set[@]}" 2>"$dir/hub.err" &
  local hub_time=$!
  /usr/bin/time -v -o "$dir/chip.time" "$ION" node "$CFG" --site chip "${common[@]}" "${set[@]}" 2>"$dir/chip.err" &
  local chip_time=$!
  local hub_pid=""
  while [[ -z $hub_pid ]] && kill -0 $hub_time 2>/dev/null; do hub_pid=$(pgrep -P $hub_time || true); sleep 0.05; done
  # Per-thread CPU: keep the last complete snapshot (name, utime, stime in clock ticks; once the
  # sed has dropped the pid, field k of proc_pid_stat(5) is field k - 1).
  while [[ -n $hub_pid ]] && kill -0 "$hub_pid" 2>/dev/null; do
    cat /proc/"$hub_pid"/task/*/stat 2>/dev/null | sed 's/^[0-9]* (\([^)]*\)) /\1 /' |
      awk '{print $1, $13, $14}' >"$dir/hub.threads.tmp" && mv "$dir/hub.threads.tmp" "$dir/hub.threads"
    sleep 0.2
  done
  local rc=0
  wait $hub_time || rc=$?
  wait $chip_time || rc=$?
  return $rc
}

# Under the lock, the script calls itself for one run (the settings come through the environment).
if [[ ${1:-} == --run-one ]]; then run_one "$2" "$3"; exit; fi
export ION RATE DURATION WARMUP OUT RULE

printf 'run\tthreads\tload_before\tload_after\trc\n' >"$OUT/runs.tsv"
python3 "$here/hub_threads_node_summary.py" --header >"$OUT/summary.tsv"
for round in $(seq 1 "$ROUNDS"); do
  for threads in 1 2; do
    dir=$OUT/r$round-t$threads
    rm -rf "$dir" && mkdir -p "$dir"
    "$ION" keygen --sites chip,hub --out "$dir/keys" >/dev/null
    uptime >"$dir/uptime.before"
    grep Udp: /proc/net/snmp >"$dir/snmp.before"  # RcvbufErrors: datagrams the kernel dropped (all sockets)
    rc=0
    flock /tmp/ion-realtime.lock "$0" --run-one "$dir" "$threads" || rc=$?
    uptime >"$dir/uptime.after"
    grep Udp: /proc/net/snmp >"$dir/snmp.after"
    "$ION" report "$dir" >"$dir/report.txt" 2>&1 || true
    "$ION" inspect "$dir/hub.ionlog" "$dir/chip.ionlog" >"$dir/inspect.txt" 2>&1 || true
    python3 "$here/hub_threads_node_summary.py" "$dir" "$DURATION" >>"$OUT/summary.tsv" || true
    printf 'r%s\t%s\t%s\t%s\t%s\n' "$round" "$threads" "$(sed 's/.*average: //' "$dir/uptime.before")" \
      "$(sed 's/.*average: //' "$dir/uptime.after")" "$rc" >>"$OUT/runs.tsv"
  done
done
cat "$OUT/runs.tsv" "$OUT/summary.tsv"
