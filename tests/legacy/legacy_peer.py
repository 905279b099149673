#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A 2017-2020 style lab script (standard library only) talking to an ion hub's legacy bridge.

8-byte datagrams, two big-endian u32 words (SPEC.md section 1):
  word 0 = sender code << 24 | neuron id (24 bits), word 1 = aux << 24 | time in 50 us ticks.
As partner 'A' it sends spikes of one neuron with the time since its previous packet; it
announces with 'R' that it hosts another neuron, and collects the hub's 'S' datagrams.
It also sends a few datagrams from a second, unlisted loopback address and one malformed one.
Prints one JSON line with what it sent and received. Bounded: runs for --seconds + 0.6 s.
"""
import argparse
import json
import socket
import struct
import time

TICK_S = 50e-6


def pack(code, neuron, aux, ticks):
    return struct.pack(">II", (ord(code) << 24) | (neuron & 0xFFFFFF), (aux << 24) | (ticks & 0xFFFFFF))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hub", required=True, help="host:port of the bridge")
    ap.add_argument("--bind", default="127.0.0.1", help="our address (must be allowed)")
    ap.add_argument("--rogue", default="127.0.0.2", help="an address the bridge must refuse")
    ap.add_argument("--pre", type=int, default=1, help="legacy id we send spikes for ('A')")
    ap.add_argument("--post", type=int, default=2, help="legacy id we host (announced with 'R')")
    ap.add_argument("--rate", type=float, default=100.0, help="spikes/s")
    ap.add_argument("--seconds", type=float, default=2.0)
    a = ap.parse_args()
    host, port = a.hub.rsplit(":", 1)
    hub = (host, int(port))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.bind, 0))
    s.setblocking(False)
    rogue = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rogue.bind((a.rogue, 0))
    sent_a = sent_r = sent_rogue = 0
    got = []
    start = time.monotonic()
    last = start
    next_spike = start
    next_ready = start
    end = start + a.seconds
    while time.monotonic() < end + 0.6:
        now = time.monotonic()
        if now < end and now >= next_ready:
            s.sendto(pack("R", a.post, 0, 0), hub)
            sent_r += 1
            next_ready += 0.1
        if now < end and now >= next_spike:
            ticks = int(round((now - last) / TICK_S))
            last = now
            s.sendto(pack("A", a.pre, 1, ticks), hub)  # aux 1 = evoked AP
            sent_a += 1
            next_spike += 1.0 / a.rate
            if sent_a == 10:
                s.sendto(b"\x41\x00\x00", hub)  # malformed: 3 bytes
                for _ in range(3):
                    rogue.sendto(pack("A", a.pre, 1, 0), hub)
                    sent_rogue += 1
        try:
            while True:
                data, _ = s.recvfrom(64)
                if len(data) == 8:
                    w0, w1 = struct.unpack(">II", data)
                    got.append({"code": chr(w0 >> 24), "id": w0 & 0xFFFFFF, "aux": w1 >> 24, "ticks": w1 & 0xFFFFFF})
        except BlockingIOError:
            pass
        time.sleep(0.001)
    print(json.dumps({"sent_a": sent_a, "sent_r": sent_r, "sent_rogue": sent_rogue, "malformed": 1, "received": got}))


if __name__ == "__main__":
    main()
