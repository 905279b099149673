#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the committed seed corpus for the fuzz targets, encoding the ion wire format from docs/protocol.md
independently of the C++ code (tests/wire decode these seeds as a cross-check).
Usage: /usr/bin/python3 fuzz/make_seeds.py   (rewrites fuzz/corpus/)"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
VERSION = 4  # header byte 2 (docs/protocol.md §2)


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def zz(v):
    return ((v << 1) ^ (v >> 63)) & 0xFFFFFFFFFFFFFFFF


def header(mtype, count, flags=1, sender=1, receiver=2, se=0x1111, re=0x2222, seq=7, t=10**9):
    return struct.pack('<2sBBBBHHHQQQq', b'io', VERSION, mtype, flags, 0, sender, receiver, count,
                       se, re, seq, t)


def spike(site, index, kind, dt):
    return bytes([0x10 | kind]) + varint(site) + varint(index) + varint(zz(dt))


def syn_input(site, index, synapse, weight, dt):
    return bytes([0x20]) + varint(site) + varint(index) + varint(synapse) + struct.pack('<f', weight) + varint(zz(dt))


def stimulus(electrode, synapse, amp, width, charge, outcome, cathodic, dt):
    tag = 0x30 | outcome | (4 if cathodic else 0)
    return (bytes([tag]) + varint(electrode) + varint(synapse) + struct.pack('<fff', amp, width, charge)
            + varint(zz(dt)))


def weight(synapse, r_ohm, w, action, dt):
    return bytes([0x40 | (action + 1)]) + varint(synapse) + struct.pack('<ff', r_ohm, w) + varint(zz(dt))


def copy(kind, payload):
    return struct.pack('<HH', kind, len(payload)) + payload


def plain_seeds():
    recs = [spike(1, 2, 0, 0), spike(3, 300, 2, -3), syn_input(2, 3, 4, 0.5, 10),
            stimulus(12, 7, 1.5e-6, 2e-4, 3e-10, 0, True, -1000),
            weight(9, 12000.0, 0.25, 1, -50000)]
    seeds = {
        'events_mixed': header(1, len(recs)) + b''.join(recs),
        'events_empty': header(1, 0),
        # A full datagram padded with zero bytes to 1200 (protocol.md §3.1); insecure, so no tag.
        'events_padded': (header(1, len(recs)) + b''.join(recs)).ljust(1200, b'\x00'),
        'events_full_spikes': header(1, 280) + b''.join(spike(1, i % 100, i % 4, -(i % 60)) for i in range(280)),
        'hello': header(2, 0) + struct.pack('<BBH', 1, 0x03, 1200),  # reply, aead_offered (both suites)
        'hello_xchacha_only': header(2, 0) + struct.pack('<BBH', 0, 0x01, 1200),
        'clock_probe': header(3, 0) + struct.pack('<IIq', 1, 2, -5),
        'clock_reply': header(4, 0) + struct.pack('<IIqqq', 1, 2, 3, 4, 5),
        'heartbeat': header(5, 0) + struct.pack('<Hq10Qqqq?', 3, 99, *range(10), 100, -200, 300, True),
        'goodbye': header(6, 0) + bytes([0]),
        'status': header(7, 3) + copy(1, bytes(range(16))) + copy(8, b'') + copy(5, b'\xff' * 40),
    }
    assert len(seeds['heartbeat']) == 44 + 115
    assert all(len(v) <= 1200 for v in seeds.values())
    return seeds


def legacy_seeds():
    def pkt(code, nid, aux, ticks):
        return struct.pack('>II', (ord(code) << 24) | nid, (aux << 24) | ticks)
    return {'A_evoked': pkt('A', 17, 1, 200), 'S_weight': pkt('S', 3, 255, 0xFFFFFF),
            'D_psp_20bit': pkt('D', 0xFFFFF, 0, 0xFFFFF), 'R_ready': pkt('R', 0, 0, 0)}


def write(target, seeds):
    d = os.path.join(HERE, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name + '.bin'), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    write('fuzz_wire_plain', plain_seeds())
    write('fuzz_wire_sealed', plain_seeds())
    write('fuzz_legacy', legacy_seeds())
