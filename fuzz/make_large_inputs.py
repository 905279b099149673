#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the large-input corpus for the fuzz targets that parse text: inputs up to 1 MB with
deep nesting, long dotted keys and many entries (issue 12: a 100 KB key of 50 000 parts overflowed
the TOML parser's stack). Generated, not committed (it is a few MB): fuzz/run.sh writes it to
BUILD/corpus-large/<target>/ and passes it to libFuzzer as read-only seeds.
Usage: /usr/bin/python3 fuzz/make_large_inputs.py OUT_DIR"""
import os
import sys

MIB = 1 << 20
HERE = os.path.dirname(os.path.abspath(__file__))


def builtin():
    with open(os.path.join(HERE, '..', 'examples', 'three_neuron.toml'), 'rb') as f:
        return f.read()


def pad_to(prefix, unit, size):
    """prefix followed by `unit` repeated until the whole is at most `size` bytes."""
    n = max(0, (size - len(prefix)) // len(unit))
    return prefix + unit * n


def experiment_inputs():
    base = builtin()
    neuron = (b'[[neurons]]\nname = "P%d"\nsite = "zurich"\nmodel = "dpi"\ncount = 100000\n')
    site = b'[sites.s%d]\nrole = "hub"\naddress = "127.0.%d.%d:7000"\n'
    return {
        # The crash of issue 12: one dotted key of 50 000 parts (100 KB).
        'dotted_key_50000': b'.'.join([b'a'] * 50000) + b' = 1\n',
        'dotted_header_1mb': b'[' + b'.'.join([b'"q"'] * (MIB // 4 - 2)) + b']\n',
        'nested_arrays_1mb': pad_to(b'x = ', b'[', MIB - 1),
        'nested_inline_tables_1mb': pad_to(b'x = ', b'{ a = ', MIB - 1),
        'nested_valid_16': b'x = ' + b'[' * 16 + b'1' + b']' * 16 + b'\n' + base,
        'builtin_padded_to_1mib': pad_to(base, b'# a comment line padding the file to its limit\n', MIB),
        'just_over_1mib': pad_to(base, b'#\n', MIB + 2)[:MIB + 1],
        'many_neurons_1mb': base + b''.join(neuron % i for i in range(MIB // len(neuron % 99999))),
        'many_sites_1mb': b''.join(site % (i, i // 250, i % 250) for i in range(MIB // 60)),
        'long_string_1mb': base.replace(b'out            = "runs/{name}-{timestamp}"',
                                        b'out = "' + b'x' * (MIB - len(base) - 40) + b'"'),
        'many_unknown_tables': b''.join(b'[extra%d]\n' % i for i in range(MIB // 14)),
        'many_phases': base.replace(b'phases = ["10Hz 10s", "30Hz 10s", "10Hz 10s", "2Hz 10s"]',
                                    b'phases = [' + b'"1Hz 1ms", ' * 39999 + b'"1Hz 1ms"]'),
        'multiline_strings': pad_to(base + b'\n# """\nx = """', b'[[[{{{a.b.c.d.e.f\n', MIB - 8) + b'"""\n',
    }


def oebin_inputs():
    # structure.oebin text, a NUL, then continuous.dat bytes (see fuzz/fuzz_oebin.cpp).
    stream = (b'{"sample_rate": 30000, "num_channels": 2, "folder_name": "s", '
              b'"channels": [{"bit_volts": 0.195}, {"bit_volts": 0.195}]}')
    return {
        'json_nested_arrays_1mb': pad_to(b'', b'[', MIB - 1) + b'\0',
        'json_nested_objects_1mb': pad_to(b'', b'{"a":', MIB - 1) + b'\0',
        'json_many_channels': (b'{"continuous": [{"sample_rate": 30000, "num_channels": 65536, "folder_name": "s", '
                               b'"channels": [' + b', '.join([b'{"bit_volts": 0.195}'] * 65536) + b']}]}\0'),
        'data_1mb': b'{"continuous": [' + stream + b']}\0' + bytes(range(256)) * (MIB // 256 - 1),
    }


def write(out, target, inputs):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    for name, data in inputs.items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'corpus-large')
    write(out, 'fuzz_experiment', experiment_inputs())
    write(out, 'fuzz_oebin', oebin_inputs())
