#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""An old (2017-2020) partner of the legacy hub, standard library only.

It speaks the 8-byte datagram (docs/protocol.md section 8) with the meanings the reference hub
gave the fields (arc1_pyqt ProgPanels/UDPmod.py at commit 63b6fb3, read there; written here in
our own words), so that the time fields it sends are exactly what that hub needed to rebuild
its spike times:

  role A, the presynaptic partner: every 'A' packet is an action potential (aux unused, sent 0);
    its time field is the number of 50 us ticks since this partner's previous 'A' packet (the
    hub adds it to one running clock, l.204). Fields are differences of one absolute tick count,
    so rounding never accumulates. It fires --fire at --rate, and --answer once every --every
    'S' datagrams it receives for that neuron.
  role D, the postsynaptic partner: aux 0 = PSP, 1 = stimulated AP, 2 = spontaneous AP; its time
    field is the ticks since the latest presynaptic spike, i.e. since the latest 'S' datagram for
    its neuron arrived (the hub adds it to the latest presynaptic spike, l.465); with --no-pre
    (a neuron with no presynaptic neuron) since its own previous AP (l.473). Before it has such a
    reference it counts from its start. Each 'S' for its neuron gives a PSP after --psp-delay and,
    with probability --evoke, a stimulated AP after --ap-delay; spontaneous APs come at --spont.
Fields are masked to --bits (20, as UDPmod.py packed what it sent at l.148-149, or 24).

Prints one JSON object: every datagram sent ([t_s, code, id, aux, field, tabs]; tabs = role A's
absolute tick count, null for D) and received ([t_s, code, id, aux, ticks]), t_s on this process's
monotonic clock. --rogue/--malformed add ion's refusal cases. Bounded: --start + --seconds + --linger.
"""
import argparse
import heapq
import itertools
import json
import random
import select
import socket
import struct
import time

TICK_S = 50e-6


def endpoint(text):
    host, port = text.rsplit(":", 1)
    return host.strip("[]"), int(port)


def pack(code, neuron, aux, ticks, bits):
    mask = (1 << bits) - 1
    return struct.pack(">II", (ord(code) << 24) | (neuron & mask), ((aux & 0xFF) << 24) | (ticks & mask))


def unpack(data):
    w0, w1 = struct.unpack(">II", data)
    return chr(w0 >> 24), w0 & 0xFFFFFF, w1 >> 24, w1 & 0xFFFFFF


class Partner:
    def __init__(self, a, sock):
        self.a, self.sock = a, sock
        self.hub = endpoint(a.hub)
        self.rng = random.Random(a.seed)
        self.start = time.monotonic()
        self.sent, self.received, self.queue = [], [], []
        self.tabs = 0            # role A: absolute ticks of the previous 'A' packet
        self.last_s = None       # role D: arrival of the latest 'S' for our neuron
        self.last_ap = None      # role D: our previous AP
        self.s_count = 0
        self.order = itertools.count()

    def at(self, t, what, *args):
        heapq.heappush(self.queue, (t, next(self.order), what, args))

    # t: the instant the field was computed for (the spike), on the monotonic clock.
    def send(self, t, code, neuron, aux, field, tabs=None):
        self.sock.sendto(pack(code, neuron, aux, field, self.a.bits), self.hub)
        self.sent.append([t - self.start, code, neuron, aux, field & ((1 << self.a.bits) - 1), tabs])

    def fire_a(self, neuron):
        now_ticks = round((time.monotonic() - self.start) / TICK_S)
        field, self.tabs = now_ticks - self.tabs, now_ticks
        self.send(self.start + now_ticks * TICK_S, "A", neuron, 0, field, self.tabs)

    def fire_d(self, aux):
        now = time.monotonic()
        ref = self.last_ap if self.a.no_pre else self.last_s
        field = round((now - (ref if ref is not None else self.start)) / TICK_S)
        self.send(now, "D", self.a.neuron, aux, field)
        if aux in (1, 2):
            self.last_ap = now

    def on_s(self, neuron, aux, now):
        if self.a.role == "A":
            if neuron == self.a.answer:
                self.s_count += 1
                if self.s_count % self.a.every == 0:
                    self.at(now + self.a.ap_delay / 1000, self.fire_a, neuron)
        elif neuron == self.a.neuron:
            self.last_s = now
            self.at(now + self.a.psp_delay / 1000, self.fire_d, 0)
            if self.rng.random() < self.a.evoke:
                self.at(now + self.a.ap_delay / 1000, self.fire_d, 1)

    def receive(self):
        while True:
            try:
                data, _ = self.sock.recvfrom(64)
            except BlockingIOError:
                return
            now = time.monotonic()
            if len(data) != 8:
                continue
            code, neuron, aux, ticks = unpack(data)
            self.received.append([now - self.start, code, neuron, aux, ticks])
            if code == "S":
                self.on_s(neuron, aux, now)

    def schedule_drive(self, t_first, t_end):
        rate = self.a.rate if self.a.role == "A" else self.a.spont
        if rate <= 0:
            return
        t = t_first
        while True:
            t += self.rng.expovariate(rate) if self.a.poisson else 1.0 / rate
            if t >= t_end:
                return
            if self.a.role == "A":
                self.at(t, self.fire_a, self.a.fire)
            else:
                self.at(t, self.fire_d, 2)

    def run(self):
        t_first = self.start + self.a.start
        t_end = t_first + self.a.seconds
        self.schedule_drive(t_first, t_end)
        if self.a.rogue or self.a.malformed:
            self.at(t_first + self.a.seconds / 2, self.hostile)
        while True:
            now = time.monotonic()
            if now >= t_end + self.a.linger:
                break
            self.receive()  # what has arrived is known before anything fires
            while self.queue and self.queue[0][0] <= now:
                t, _, what, args = heapq.heappop(self.queue)
                if t < t_end:
                    what(*args)
            wait = min(self.queue[0][0] if self.queue else t_end + self.a.linger, t_end + self.a.linger) - now
            if select.select([self.sock], [], [], max(0.0, min(wait, 0.05)))[0]:
                self.receive()

    def hostile(self):
        if self.a.malformed:
            self.sock.sendto(b"\x41\x00\x00", self.hub)  # 3 bytes
        if self.a.rogue:
            rogue = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            rogue.bind((self.a.rogue, 0))
            for _ in range(3):
                rogue.sendto(pack("A", 1, 0, 0, 24), self.hub)
            rogue.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--role", choices=["A", "D"], required=True)
    ap.add_argument("--hub", required=True, help="host:port of the hub's legacy bridge")
    ap.add_argument("--bind", default="127.0.0.1:0", help="our host:port (the hub's configured partner address)")
    ap.add_argument("--bits", type=int, choices=[20, 24], default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=float, default=0.0, help="s before the first packet")
    ap.add_argument("--seconds", type=float, default=2.0, help="s of activity")
    ap.add_argument("--linger", type=float, default=0.5, help="s of listening after")
    ap.add_argument("--poisson", action="store_true", help="Poisson instead of regular drive")
    ap.add_argument("--fire", type=int, default=1, help="A: id that fires at --rate")
    ap.add_argument("--rate", type=float, default=20.0, help="A: spikes/s of --fire")
    ap.add_argument("--answer", type=int, default=3, help="A: id that answers 'S' datagrams")
    ap.add_argument("--every", type=int, default=2, help="A: --answer fires once per this many 'S'")
    ap.add_argument("--neuron", type=int, default=2, help="D: the id we host")
    ap.add_argument("--no-pre", action="store_true", help="D: our neuron has no presynaptic neuron")
    ap.add_argument("--spont", type=float, default=2.0, help="D: spontaneous APs/s")
    ap.add_argument("--evoke", type=float, default=0.5, help="D: probability of an AP per 'S'")
    ap.add_argument("--psp-delay", type=float, default=2.0, help="D: ms from 'S' to the PSP")
    ap.add_argument("--ap-delay", type=float, default=6.0, help="ms from 'S' to a stimulated AP")
    ap.add_argument("--rogue", default="", help="also send 3 datagrams from this IP (must be refused)")
    ap.add_argument("--malformed", action="store_true", help="also send one 3-byte datagram")
    a = ap.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(endpoint(a.bind))
    sock.setblocking(False)
    p = Partner(a, sock)
    p.run()
    print(json.dumps({"role": a.role, "bits": a.bits, "bind": "%s:%d" % sock.getsockname(),
                      "sent": p.sent, "received": p.received,
                      "sent_rogue": 3 if a.rogue else 0, "sent_malformed": 1 if a.malformed else 0}))


if __name__ == "__main__":
    main()
