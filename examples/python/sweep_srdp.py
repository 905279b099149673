#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Sweep the LTP threshold of synapse ABsyn in the built-in three-neuron experiment.

Runs 4 thresholds x 2 seeds in simulated time (two processes), prints one line per run and
draws ABsyn's weight over time for each threshold (first seed) into OUT/sweep_srdp.png.

    make
    PYTHONPATH=build/python /usr/bin/python3 examples/python/sweep_srdp.py [--out DIR] [--duration 40s]
"""
import argparse
import pathlib
import tempfile

import matplotlib

matplotlib.use("Agg")  # files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402

import ion  # noqa: E402

KEY = "synapses.ABsyn.plasticity.ltp_above"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=None, help="output directory (default: a new temporary one)")
    ap.add_argument("--duration", default=None, help="scale the experiment, e.g. 8s (default: as the file)")
    args = ap.parse_args()
    out = pathlib.Path(args.out or tempfile.mkdtemp(prefix="sweep-srdp-"))

    rows = ion.sweep(ion.Experiment.builtin(), {KEY: [10, 15, 20, 25]}, seeds=[1, 2], processes=2,
                     out=out / "runs", duration=args.duration)
    rows = rows if isinstance(rows, list) else rows.to_dict("records")

    last = max(int(k.split(".")[1][5:]) for k in rows[0] if k.startswith("ABsyn.phase"))
    print(f"{'ltp_above':>9} {'seed':>4} {'ABsyn weight at the end':>24}  digest")
    for r in rows:
        print(f"{r[KEY]:>9} {r['seed']:>4} {r[f'ABsyn.phase{last}.weight_end']:>24.3f}  {r['digest'][:16]}")

    fig, ax = plt.subplots(figsize=(7, 4))
    for r in (r for r in rows if r["seed"] == 1):
        w = ion.Recording.open(r["out"]).weights("ABsyn")
        ax.step(w.t_s, w.value, where="post", label=f"ltp_above = {r[KEY]}")
    ax.set_xlabel("experiment time (s)")
    ax.set_ylabel("ABsyn weight")
    ax.set_title("SRDP: ABsyn weight for four LTP thresholds (seed 1)")
    ax.legend()
    fig.tight_layout()
    figure = out / "sweep_srdp.png"
    fig.savefig(figure, dpi=120)
    print(f"figure: {figure}")


if __name__ == "__main__":
    main()
