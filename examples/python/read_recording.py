#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Read what a run recorded: from a run directory (its .ionlog files) or a recording.h5.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/read_recording.py RUN_DIR_OR_H5
    PYTHONPATH=build/python /usr/bin/python3 examples/python/read_recording.py    # runs the built-in first
"""
import sys
import tempfile

import numpy as np

import ion


def main():
    if len(sys.argv) > 1:
        rec = ion.Recording.open(sys.argv[1])
    else:  # no argument: a short simulated run of the built-in experiment
        rec = ion.run(ion.Experiment.builtin(), duration="8s", out=tempfile.mkdtemp(prefix="read-recording-"))
    print(f"{rec.experiment_name} (seed {rec.seed}) from {rec.path}; digest {rec.digest[:16]}")
    print("sites:", ", ".join(rec.site_names))
    for neuron in rec.neuron_names:
        s = rec.spikes(neuron)
        real = s.t_s[s.kind != 1]  # kind 1 is a PSP report, not an action potential
        print(f"  {neuron:8} {len(real):5d} spikes, first at {real[0] if len(real) else float('nan'):.3f} s")
    for name in rec.synapse_names:
        syn = rec.synapse(name)
        w, r = rec.weights(name), rec.resistance(name)
        if len(w.t_s):
            print(f"  {name}: {syn.pre} -> {syn.post} on {syn.hub} cell {syn.cell}: {len(w.t_s)} updates, "
                  f"weight {w.value[0]:.3f} -> {w.value[-1]:.3f}, {np.min(r.value):.0f}..{np.max(r.value):.0f} ohm")
    stim = rec.stimuli()
    print(f"stimuli: {len(stim)} ({np.count_nonzero(stim['outcome'] == 0)} delivered)")
    for (site, peer), rows in rec.links().items():
        if len(rows):
            print(f"  link {site}->{peer}: {int(rows['sent'][-1])} datagrams sent, {int(rows['lost'][-1])} lost")
    if rec.logs:
        print(rec.summary()["text"], end="")


if __name__ == "__main__":
    main()
