#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Lab network test bed: three network namespaces (padova, southampton, zurich) in a star through
# southampton, tc netem on every link, one `ion node` per namespace running the three-neuron
# experiment in real time; then check_netns.py checks the merged recording against the truth.
#
# Usage: netns_run.sh ION_BINARY WORK_DIR [symmetric|asymmetric|both]
# Exit codes: 0 pass, 1 failure, 77 skipped (not root / no network namespaces / no tc netem),
# which CTest maps to "skipped" through SKIP_RETURN_CODE.
set -u
ION=${1:?usage: netns_run.sh ION_BINARY WORK_DIR [symmetric|asymmetric|both]}
WORK=${2:?usage: netns_run.sh ION_BINARY WORK_DIR [symmetric|asymmetric|both]}
MODE=${3:-both}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
SKIP=77
DURATION=${ION_NETNS_DURATION:-12s}
WARMUP=${ION_NETNS_WARMUP:-3s}

skip() { echo "SKIPPED: $*" >&2; exit $SKIP; }

[ "$(id -u)" = 0 ] || skip "the netns test bed needs root (ip netns add, tc qdisc); run as root, e.g. sudo ctest -L netns"
command -v ip >/dev/null || skip "iproute2 ('ip') is not installed"
command -v tc >/dev/null || skip "'tc' (iproute2) is not installed"
$PY -c 'import h5py, numpy' 2>/dev/null || skip "$PY lacks h5py/numpy (apt-get install python3-h5py)"
[ -x "$ION" ] || { echo "FAIL: no ion binary at $ION" >&2; exit 1; }

P=ionp$$; S=ions$$; Z=ionz$$; W=ionw$$  # namespace names, unique per run (W: "the Internet")
NAMESPACES=()
PIDS=()
BRIDGE_PID=
cleanup() {
  for pid in "${PIDS[@]}" $BRIDGE_PID; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}" $BRIDGE_PID; do wait "$pid" 2>/dev/null; done
  for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add $P 2>/tmp/ion-netns-err.$$ || { e=$(cat /tmp/ion-netns-err.$$); rm -f /tmp/ion-netns-err.$$;
  skip "'ip netns add' failed ($e): this machine does not allow network namespaces"; }
rm -f /tmp/ion-netns-err.$$
NAMESPACES+=($P)
for ns in $S $Z $W; do ip netns add $ns && NAMESPACES+=($ns) || exit 1; done

set -e
# Star through southampton: padova (10.77.1.1) -- W -- southampton (10.77.1.2, 10.77.2.2; hub
# address 10.77.0.2 on its lo) -- W -- zurich (10.77.2.1). Each link crosses the namespace W,
# where the impairment lives (tc netem on W's ports, or wire_bridge.py if the kernel lacks netem).
# Addresses exist only inside these namespaces.
ip link add vp$$ netns $P type veth peer name wp1 netns $W
ip link add vsp$$ netns $S type veth peer name wp2 netns $W
ip link add vz$$ netns $Z type veth peer name wz1 netns $W
ip link add vsz$$ netns $S type veth peer name wz2 netns $W
ip -n $P addr add 10.77.1.1/24 dev vp$$
ip -n $S addr add 10.77.1.2/24 dev vsp$$
ip -n $S addr add 10.77.2.2/24 dev vsz$$
ip -n $Z addr add 10.77.2.1/24 dev vz$$
ip -n $S addr add 10.77.0.2/32 dev lo
for ns in $P $S $Z $W; do ip -n $ns link set lo up; done
ip -n $P link set vp$$ up; ip -n $S link set vsp$$ up; ip -n $S link set vsz$$ up; ip -n $Z link set vz$$ up
for i in wp1 wp2 wz1 wz2; do ip -n $W link set $i up promisc on; done
ip -n $P route add 10.77.0.2/32 via 10.77.1.2
ip -n $Z route add 10.77.0.2/32 via 10.77.2.2
set +e

LOSS=${ION_NETNS_LOSS:-0.5%}
if ip netns exec $W tc qdisc add dev wp1 root netem delay 1ms 2>/dev/null && [ -z "${ION_NETNS_USERSPACE:-}" ]; then
  IMPAIR=netem
  ip -n $W link add brp type bridge; ip -n $W link add brz type bridge
  ip -n $W link set wp1 master brp; ip -n $W link set wp2 master brp
  ip -n $W link set wz1 master brz; ip -n $W link set wz2 master brz
  ip -n $W link set brp up; ip -n $W link set brz up
else
  IMPAIR=wire_bridge.py
  echo "NOTE: this kernel has no sch_netem ('tc qdisc add ... netem' fails: $(uname -r));" \
       "the same impairments are applied by the user-space L2 bridge tests/netns/wire_bridge.py"
fi

# impair P->S S->P Z->S S->Z, each "MEAN JITTER" one-way (e.g. "15ms 3ms")
impair() {
  if [ -n "$BRIDGE_PID" ]; then kill $BRIDGE_PID; wait $BRIDGE_PID 2>/dev/null; BRIDGE_PID=; fi
  local l=${LOSS%\%}
  if [ $IMPAIR = netem ]; then
    ip netns exec $W tc qdisc replace dev wp2 root netem delay $1 loss $LOSS   # padova -> southampton
    ip netns exec $W tc qdisc replace dev wp1 root netem delay $2 loss $LOSS   # southampton -> padova
    ip netns exec $W tc qdisc replace dev wz2 root netem delay $3 loss $LOSS   # zurich -> southampton
    ip netns exec $W tc qdisc replace dev wz1 root netem delay $4 loss $LOSS   # southampton -> zurich
  else
    ms() { set -- $1 $2; echo "${1%ms}:${2%ms}"; }
    local p=$(/usr/bin/python3 -c "print($l/100)")
    ip netns exec $W $PY "$HERE/wire_bridge.py" $$ "wp1:wp2:$(ms $1):$(ms $2):$p" "wz1:wz2:$(ms $3):$(ms $4):$p" \
      >"$WORK/wire_bridge.$5.out" 2>&1 &
    BRIDGE_PID=$!
    for _ in $(seq 50); do grep -q ready "$WORK/wire_bridge.$5.out" 2>/dev/null && break; sleep 0.1; done
    grep -q ready "$WORK/wire_bridge.$5.out" || { echo "FAIL: wire_bridge.py did not start" >&2; cat "$WORK/wire_bridge.$5.out" >&2; return 1; }
  fi
}

write_experiment() {  # OUT_FILE
  # The built-in leaves its ports to `ion run`; sites run by `ion node` need them written.
  sed -e '/^\[sites\.zurich\]/,/^\[/ s/^address *= *"127.0.0.1"/address = "10.77.2.1:7301"/' \
      -e '/^\[sites\.southampton\]/,/^\[/ s/^address *= *"127.0.0.1"/address = "10.77.0.2:7201"/' \
      -e '/^\[sites\.padova\]/,/^\[/ s/^address *= *"127.0.0.1"/address = "10.77.1.1:7101"/' \
      "$HERE/../../examples/three_neuron.toml" >"$1"
  grep -q 10.77.0.2:7201 "$1" && grep -q 10.77.1.1:7101 "$1" && grep -q 10.77.2.1:7301 "$1" ||
    { echo "FAIL: could not rewrite the site addresses of examples/three_neuron.toml" >&2; exit 1; }
}

# run_case NAME P->S S->P Z->S S->Z (one-way delays, each "MEAN JITTER")
run_case() {
  local name=$1 dir="$WORK/$1"
  rm -rf "$dir"; mkdir -p "$dir"
  mkdir -p "$WORK"; impair "$2" "$3" "$4" "$5" "$name"
  write_experiment "$dir/experiment.toml"
  "$ION" keygen --sites padova,southampton,zurich --out "$dir/keys" >/dev/null || return 1
  echo "== $name ($IMPAIR): padova->southampton $2, southampton->padova $3, zurich->southampton $4, southampton->zurich $5, loss $LOSS each way"
  PIDS=()
  local t0=$SECONDS
  for site_ns in southampton:$S padova:$P zurich:$Z; do
    ip netns exec "${site_ns#*:}" "$ION" node "$dir/experiment.toml" --site "${site_ns%%:*}" --out "$dir" \
      --keys "$dir/keys" --warmup "$WARMUP" --duration "$DURATION" --sync-timeout 10s \
      >"$dir/${site_ns%%:*}.out" 2>&1 &
    PIDS+=($!)
  done
  local rc=0
  for pid in "${PIDS[@]}"; do wait "$pid" || rc=1; done
  PIDS=()
  echo "   nodes finished in $((SECONDS - t0)) s"
  if [ $rc != 0 ]; then
    echo "FAIL: an ion node failed:" >&2; tail -n 5 "$dir"/*.out >&2; return 1
  fi
  "$ION" inspect --h5 "$dir/recording.h5" "$dir/southampton.ionlog" "$dir/padova.ionlog" "$dir/zurich.ionlog" \
    >"$dir/inspect.out" 2>&1 || { echo "FAIL: merge failed" >&2; cat "$dir/inspect.out" >&2; return 1; }
  $PY "$HERE/check_netns.py" "$dir/recording.h5" --loss "${LOSS%\%}" --case "$name" \
    --expect-asym "$6" --json "$dir/figures.json"
}

status=0
if [ "$MODE" = symmetric ] || [ "$MODE" = both ]; then
  run_case symmetric "15ms 3ms" "15ms 3ms" "10ms 2ms" "10ms 2ms" 0 || status=1
fi
if [ "$MODE" = asymmetric ] || [ "$MODE" = both ]; then
  DURATION=${ION_NETNS_ASYM_DURATION:-6s}
  # Same round trips as above, split unevenly: the clock error this causes is reported, not bounded.
  run_case asymmetric "25ms 3ms" "5ms 3ms" "15ms 2ms" "5ms 2ms" 1 || status=1
fi
exit $status
