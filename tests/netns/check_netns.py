# SPDX-License-Identifier: Apache-2.0
"""Checks a merged recording of the netns test bed (tests/netns/netns_run.sh) against the truth.

- the experiment completed: every site logged its "site X done" note, every log tail is clean;
- per link direction, the loss ion measured is within a binomial tolerance of the netem loss;
- clock sync: all sites share one kernel CLOCK_MONOTONIC, and every node logs the raw monotonic
  origin of its local clock ("clock origin N ns"), so the true offset local - master is
  origin(master) - origin(site); the recorded ClockSample estimates are compared against it
  (bounded below 1 ms with symmetric delays, only reported with --expect-asym 1);
- every stimulus in padova's log corresponds to exactly one authenticated synaptic input
  recorded there (same synapse, one-to-one in time order), none duplicated, none invented.
Exit 0 on pass, 1 on failure; prints the figures and writes them as JSON with --json.
"""
import argparse
import json
import math
import re
import sys

import h5py
import numpy as np

CLOCK_BOUND_NS = 1_000_000
PAIR_TOLERANCE_NS = 1_000_000_000
TAIL_P = 1e-4  # two-sided binomial tail probability below which a loss count is refused


def binom_tail(k, n, p):
    """(P[X <= k], P[X >= k]) for X ~ Binomial(n, p), exactly (terms summed in log space)."""
    def pmf(i):
        return math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
                        + i * math.log(p) + (n - i) * math.log1p(-p))
    terms = [pmf(i) for i in range(n + 1)]
    return min(1.0, sum(terms[: k + 1])), min(1.0, sum(terms[k:]))


class Checker:
    def __init__(self, path):
        self.f = h5py.File(path, "r")
        names = [n.decode() if isinstance(n, bytes) else n for n in self.f["meta"].attrs["sites"]]
        self.ids = dict(zip(names, (int(i) for i in self.f["meta/site_ids"][()])))
        self.failures = []
        self.figures = {}

    def expect(self, ok, what):
        print(("  ok    " if ok else "  FAIL  ") + what)
        if not ok:
            self.failures.append(what)

    def notes(self, site):
        n = self.f["notes"][()]
        rows = n[n["site"] == self.ids[site]]
        return [t.decode() if isinstance(t, bytes) else t for t in rows["text"]]

    def check_completed(self):
        s = self.f["sites"][()]
        for site in self.ids:
            done = [t for t in self.notes(site) if t.startswith(f"site {site} done")]
            self.expect(len(done) == 1, f"{site} completed ({done[0] if done else 'no done note'})")
            tail = s[s["id"] == self.ids[site]]["tail_state"][0]
            tail = tail.decode() if isinstance(tail, bytes) else tail
            self.expect(tail == "clean", f"{site} log tail {tail}")

    def last_link_row(self, site, peer):
        g = self.f[f"links/{site}-{peer}"]
        return {k: int(g[k][-1]) for k in g.keys()}

    def check_loss(self, loss_pct):
        p = loss_pct / 100.0
        for a, b in [("padova", "southampton"), ("southampton", "padova"),
                     ("zurich", "southampton"), ("southampton", "zurich")]:
            r = self.last_link_row(b, a)  # the receiver's view of a -> b
            n, lost = r["received"] + r["lost"], r["lost"]
            lo, hi = binom_tail(lost, n, p)
            self.figures[f"loss {a}->{b}"] = {"datagrams": n, "lost": lost, "measured_pct": 100.0 * lost / max(n, 1),
                                              "configured_pct": loss_pct, "reordered": r["reordered"],
                                              "duplicated": r["duplicated"], "late": r["late"],
                                              "P_le": lo, "P_ge": hi}
            self.expect(n > 0 and min(lo, hi) > TAIL_P / 2,
                        f"loss {a}->{b}: {lost}/{n} = {100.0 * lost / max(n, 1):.2f} % vs netem {loss_pct} % "
                        f"(P[X<=k]={lo:.3g}, P[X>=k]={hi:.3g}); reordered {r['reordered']}")
            self.expect(r["rejected"] == 0 and r["malformed"] == 0 and r["duplicated"] == 0,
                        f"{a}->{b}: rejected {r['rejected']}, malformed {r['malformed']}, duplicated {r['duplicated']}")

    def origin(self, site):
        for t in self.notes(site):
            m = re.fullmatch(r"clock origin (-?\d+) ns", t)
            if m:
                return int(m.group(1))
        return None

    def check_clock(self, bound):
        master = self.origin("southampton")
        for site in ("padova", "zurich"):
            o = self.origin(site)
            if master is None or o is None or f"clock/{site}" not in self.f:
                self.expect(False, f"{site}: clock origin notes and clock samples recorded")
                continue
            g = self.f[f"clock/{site}"]
            keep = g["experiment_ns"][()] >= 0
            err = g["offset_ns"][()][keep] - (master - o)
            unc = g["uncertainty_ns"][()][keep]
            worst = int(np.max(np.abs(err))) if err.size else None
            self.figures[f"clock {site}"] = {"samples": int(err.size), "max_abs_error_ns": worst,
                                             "mean_error_ns": float(np.mean(err)) if err.size else None,
                                             "median_uncertainty_ns": float(np.median(unc)) if unc.size else None}
            text = (f"clock {site}: {err.size} samples, error vs truth max |{worst}| ns, "
                    f"mean {np.mean(err) if err.size else float('nan'):.0f} ns, "
                    f"claimed uncertainty median {np.median(unc) if unc.size else float('nan'):.0f} ns")
            if bound:
                self.expect(err.size > 0 and worst < CLOCK_BOUND_NS, text + " (bound 1 ms)")
            else:
                print("  report " + text)

    def check_stimuli(self):
        pid = self.ids["padova"]
        inp = self.f["inputs"][()]
        inp = inp[(inp["log_site"] == pid) & (inp["post_site"] == pid)]
        st = self.f["stimuli"][()]
        st = st[st["log_site"] == pid]
        keys = [(int(r["t_ns"]), int(r["post_index"]), int(r["synapse"])) for r in inp]
        self.expect(len(keys) == len(set(keys)), f"padova: {len(keys)} inputs, none duplicated")
        lags = []
        for syn in sorted(set(int(x) for x in st["synapse"]) | set(int(x) for x in inp["synapse"])):
            ti = np.sort(inp[inp["synapse"] == syn]["t_ns"])
            ts = np.sort(st[st["synapse"] == syn]["t_ns"])
            self.expect(ti.size == ts.size, f"synapse {syn}: {ts.size} stimuli for {ti.size} inputs")
            if ti.size == ts.size and ti.size:
                lag = ts - ti
                lags.extend(lag.tolist())
                self.expect(bool(np.all(np.abs(lag) < PAIR_TOLERANCE_NS)),
                            f"synapse {syn}: stimulus i pairs with input i (lag {lag.min() / 1e6:.1f}.."
                            f"{lag.max() / 1e6:.1f} ms)")
        hub = [t for t in self.notes("southampton") if t.startswith("hub:")]
        fwd = int(re.search(r"forwarded=(\d+)", hub[0]).group(1)) if hub else -1
        zid = self.ids["zurich"]
        allin = self.f["inputs"][()]
        zin = int(np.sum((allin["log_site"] == zid) & (allin["post_site"] == zid)))
        lost = self.last_link_row("padova", "southampton")["lost"] + self.last_link_row("zurich", "southampton")["lost"]
        refused = 0
        for site in ("padova", "zurich"):
            for t in self.notes(site):
                m = re.search(r" done: .*refused=(\d+)", t)
                refused += int(m.group(1)) if m else 0
        self.figures["inputs"] = {"hub_forwarded": fwd, "padova_inputs": len(keys), "zurich_inputs": zin,
                                  "refused_by_nodes": refused, "stimuli": int(st.size),
                                  "datagrams_lost_hub_to_sites": lost}
        got = len(keys) + zin + refused
        self.expect(fwd >= got and (fwd == got or lost > 0),
                    f"hub forwarded {fwd} inputs = padova {len(keys)} + zurich {zin} + refused {refused} + "
                    f"{fwd - got} in {lost} lost datagrams")
        self.expect(st.size > 0, f"padova delivered/reviewed {st.size} stimuli")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("h5")
    ap.add_argument("--loss", type=float, required=True, help="netem loss per direction, percent")
    ap.add_argument("--case", default="")
    ap.add_argument("--expect-asym", type=int, default=0, help="1: report the clock error, do not bound it")
    ap.add_argument("--json")
    a = ap.parse_args()
    c = Checker(a.h5)
    c.check_completed()
    c.check_loss(a.loss)
    c.check_clock(bound=not a.expect_asym)
    c.check_stimuli()
    if a.json:
        with open(a.json, "w") as out:
            json.dump({"case": a.case, "failures": c.failures, "figures": c.figures}, out, indent=1)
    print(f"== {a.case}: {'PASS' if not c.failures else 'FAIL (' + str(len(c.failures)) + ')'}")
    return 0 if not c.failures else 1


if __name__ == "__main__":
    sys.exit(main())
