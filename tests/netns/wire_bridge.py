# SPDX-License-Identifier: Apache-2.0
"""A user-space netem: an L2 bridge between pairs of interfaces that delays, jitters, reorders and
drops frames. Used by netns_run.sh when the kernel has no sch_netem (e.g. minimal VM kernels).

Usage: wire_bridge.py SEED IF_A:IF_B:DELAY_AB_MS:JITTER_AB_MS:DELAY_BA_MS:JITTER_BA_MS:LOSS ... (root)
Each frame received on IF_A leaves on IF_B after DELAY_AB ± JITTER_AB ms (uniform, as netem's
default), in deadline order (so jitter reorders frames), or is dropped with probability LOSS
(IPv4 frames only; ARP always passes). IPv4 UDP checksums are set to 0 ("not computed") because
veth frames may carry offloaded, unfinished checksums. Runs until SIGTERM; prints its counters.
"""
import heapq
import random
import select
import signal
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SO_SNDBUFFORCE, SO_RCVBUFFORCE = 32, 33  # Linux; root may exceed rmem_max/wmem_max
BRIDGE_BUFFER_BYTES = 16 << 20  # so a briefly starved bridge queues frames instead of dropping them


def open_if(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, BRIDGE_BUFFER_BYTES)
    s.setsockopt(socket.SOL_SOCKET, SO_SNDBUFFORCE, BRIDGE_BUFFER_BYTES)
    s.bind((name, 0))
    s.setblocking(False)
    return s


def zero_udp_checksum(frame):
    if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
        return frame
    ihl = (frame[14] & 0x0F) * 4
    at = 14 + ihl + 6
    if len(frame) < at + 2:
        return frame
    return frame[:at] + b"\x00\x00" + frame[at + 2:]


def main():
    rng = random.Random(int(sys.argv[1]))
    routes = {}  # socket fd -> (out socket, delay ns, jitter ns, loss)
    socks = []
    for spec in sys.argv[2:]:
        a, b, dab, jab, dba, jba, loss = spec.split(":")
        sa, sb = open_if(a), open_if(b)
        socks += [sa, sb]
        routes[sa.fileno()] = (sa, sb, float(dab) * 1e6, float(jab) * 1e6, float(loss))
        routes[sb.fileno()] = (sb, sa, float(dba) * 1e6, float(jba) * 1e6, float(loss))
    print("wire_bridge: ready", flush=True)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    heap, n = [], 0
    counts = {"frames": 0, "dropped": 0, "sent": 0, "send_errors": 0}
    while not stop:
        now = time.monotonic_ns()
        while heap and heap[0][0] <= now:
            _, _, out, frame = heapq.heappop(heap)
            try:
                out.send(frame)
                counts["sent"] += 1
            except OSError:
                counts["send_errors"] += 1
        wait = max(0.0, (heap[0][0] - now) / 1e9) if heap else 0.2
        try:
            ready, _, _ = select.select(socks, [], [], wait)
        except InterruptedError:
            continue
        for s in ready:
            src, out, delay, jitter, loss = routes[s.fileno()]
            while True:
                try:
                    frame, addr = s.recvfrom(65536)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                counts["frames"] += 1
                if frame[12:14] == b"\x08\x00" and rng.random() < loss:
                    counts["dropped"] += 1
                    continue
                due = time.monotonic_ns() + int(delay + rng.uniform(-jitter, jitter))
                n += 1
                heapq.heappush(heap, (due, n, out, zero_udp_checksum(frame)))
    print(f"wire_bridge: {counts}", flush=True)


if __name__ == "__main__":
    main()
