# SPDX-License-Identifier: Apache-2.0
"""Brian2 reference runs for ion's crossval tests.

usage: /usr/bin/python3 brian_ref.py MODEL DT_MS DURATION_S OUT INPUT_FILE...

Runs one neuron per input file (samples in A, one per line, each held for one step) with the
model's default parameters transcribed independently from docs/models.md, using the SAME
integration scheme as ion (exact / rk4 / exponential_euler) on Brian2's numpy target, and writes
"neuron t_s" per spike. The input current is set at the start of each step (run_regularly,
when='start') so it is held constant over the step, as in ion. For the HH models (exponential
Euler, which evaluates everything at the start of the step) I is a subexpression stim(t, i),
saving one code object per step on the slow numpy target.
"""
import os
import sys

import numpy as np
from brian2 import (NeuronGroup, SpikeMonitor, TimedArray, Network, defaultclock, prefs, ms, mV, pA, nA,
                    nS, pF, second, amp, umetre, ufarad, cm, siemens, msiemens)

# numpy for the point models (fast enough at dt = 0.1 ms); Cython for HH (80 k steps), compiled
# without -ffast-math/-march=native so the arithmetic stays IEEE, cached in ~/.cython after the
# first run. ION_BRIAN_TARGET=numpy|cython overrides.
prefs.codegen.cpp.extra_compile_args_gcc = ["-w", "-O2"]

MODELS = {
    "lif": dict(
        eqs="dv/dt = (E_L - v)/tau_m + I/C_m : volt (unless refractory)\nI : amp",
        ns=dict(C_m=250 * pF, tau_m=20 * ms, E_L=-70 * mV, V_th=-50 * mV, V_reset=-65 * mV),
        threshold="v > V_th", reset="v = V_reset", refractory=2 * ms, method="exact",
        init=lambda G, ns: setattr(G, "v", ns["E_L"])),
    "adex": dict(
        eqs="""dv/dt = (-g_L*(v - E_L) + g_L*Delta_T*exp((v - V_T)/Delta_T) - w + I)/C : volt
dw/dt = (a*(v - E_L) - w)/tau_w : amp
I : amp""",
        ns=dict(C=281 * pF, g_L=30 * nS, E_L=-70.6 * mV, V_T=-50.4 * mV, Delta_T=2 * mV, tau_w=144 * ms,
                a=4 * nS, b=80.5 * pA, V_reset=-70.6 * mV, V_peak=-40.4 * mV),
        threshold="v > V_peak", reset="v = V_reset; w += b", refractory=False, method="rk4",
        init=lambda G, ns: setattr(G, "v", ns["E_L"])),
    "izhikevich": dict(
        eqs="""dv/dt = (0.04*v**2/mV + 5*v + 140*mV - u + I*ms/C)/ms : volt
du/dt = a*(b*v - u)/ms : volt
I : amp""",
        ns=dict(a=0.02, b=0.2, c=-65 * mV, d=8 * mV, C=1 * pF, V_peak=30 * mV),
        threshold="v >= V_peak", reset="v = c; u += d", refractory=False, method="rk4",
        init=lambda G, ns: (setattr(G, "v", ns["c"]), setattr(G, "u", ns["b"] * ns["c"]))),
}

HH_EQS = """dv/dt = (g_L*(E_L - v) + g_Na*m**3*h*(E_Na - v) + g_K*n**4*(E_K - v) + I)/C_m : volt
dm/dt = am*(1 - m) - bm*m : 1
dh/dt = ah*(1 - h) - bh*h : 1
dn/dt = an*(1 - n) - bn*n : 1
I = stim(t, i) : amp
"""
SQUID_RATES = """am = 1/exprel(-(v/mV + 40)/10)/ms : Hz
bm = 4*exp(-(v/mV + 65)/18)/ms : Hz
ah = 0.07*exp(-(v/mV + 65)/20)/ms : Hz
bh = 1/(1 + exp(-(v/mV + 35)/10))/ms : Hz
an = 0.1/exprel(-(v/mV + 55)/10)/ms : Hz
bn = 0.125*exp(-(v/mV + 65)/80)/ms : Hz
"""
TRAUB_RATES = """am = 0.32*4/exprel((13 - v/mV + V_T/mV)/4)/ms : Hz
bm = 0.28*5/exprel((v/mV - V_T/mV - 40)/5)/ms : Hz
ah = 0.128*exp((17 - v/mV + V_T/mV)/18)/ms : Hz
bh = 4/(1 + exp((40 - v/mV + V_T/mV)/5))/ms : Hz
an = 0.032*5/exprel((15 - v/mV + V_T/mV)/5)/ms : Hz
bn = 0.5*exp((10 - v/mV + V_T/mV)/40)/ms : Hz
"""
AREA = 20000 * umetre ** 2


def hh_init(rates_py):
    def init(G, ns):
        v = ns["V_init"] / mV
        am, bm, ah, bh, an, bn = rates_py(v, ns.get("V_T", 0 * mV) / mV)
        G.v = ns["V_init"]
        G.m = am / (am + bm)
        G.h = ah / (ah + bh)
        G.n = an / (an + bn)
    return init


def exprel(x):
    return 1.0 if x == 0 else np.expm1(x) / x


def squid_py(v, vt):
    return (1 / exprel(-(v + 40) / 10), 4 * np.exp(-(v + 65) / 18), 0.07 * np.exp(-(v + 65) / 20),
            1 / (1 + np.exp(-(v + 35) / 10)), 0.1 / exprel(-(v + 55) / 10), 0.125 * np.exp(-(v + 65) / 80))


def traub_py(v, vt):
    return (0.32 * 4 / exprel((13 - v + vt) / 4), 0.28 * 5 / exprel((v - vt - 40) / 5),
            0.128 * np.exp((17 - v + vt) / 18), 4 / (1 + np.exp((40 - v + vt) / 5)),
            0.032 * 5 / exprel((15 - v + vt) / 5), 0.5 * np.exp((10 - v + vt) / 40))


MODELS["hh"] = dict(
    eqs=HH_EQS + SQUID_RATES,
    ns=dict(C_m=1 * ufarad * cm ** -2 * AREA, g_Na=120 * msiemens * cm ** -2 * AREA,
            g_K=36 * msiemens * cm ** -2 * AREA, g_L=0.3 * msiemens * cm ** -2 * AREA, E_Na=50 * mV,
            E_K=-77 * mV, E_L=-54.387 * mV, V_spike=-20 * mV, V_init=-65 * mV),
    threshold="v > V_spike", reset=None, refractory="v > V_spike", method="exponential_euler",
    init=hh_init(squid_py))
MODELS["hh-hippocampal"] = dict(
    eqs=HH_EQS + TRAUB_RATES,
    ns=dict(C_m=1 * ufarad * cm ** -2 * AREA, g_Na=100 * msiemens * cm ** -2 * AREA,
            g_K=30 * msiemens * cm ** -2 * AREA, g_L=5e-5 * siemens * cm ** -2 * AREA, E_Na=50 * mV,
            E_K=-90 * mV, E_L=-60 * mV, V_spike=-20 * mV, V_init=-60 * mV, V_T=-63 * mV),
    threshold="v > V_spike", reset=None, refractory="v > V_spike", method="exponential_euler",
    init=hh_init(traub_py))


def main():
    model, dt_ms, duration_s, out = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    inputs = [np.loadtxt(f, ndmin=1) for f in sys.argv[5:]]
    spec = MODELS[model]
    target = "cython" if model.startswith("hh") else "numpy"
    prefs.codegen.target = os.environ.get("ION_BRIAN_TARGET", target)
    dt = dt_ms * ms
    defaultclock.dt = dt
    steps = int(round(duration_s / (dt_ms * 1e-3)))
    values = np.zeros((steps, len(inputs)))
    for j, x in enumerate(inputs):
        values[:min(steps, len(x)), j] = x[:steps]
    stim = TimedArray(values * amp, dt=dt)
    ns = dict(spec["ns"], stim=stim)
    kwargs = dict(threshold=spec["threshold"], method=spec["method"], namespace=ns, dt=dt)
    if spec["reset"]:
        kwargs["reset"] = spec["reset"]
    if spec["refractory"] is not False:
        kwargs["refractory"] = spec["refractory"]
    G = NeuronGroup(len(inputs), spec["eqs"], **kwargs)
    spec["init"](G, ns)
    if "I = stim" not in spec["eqs"]:
        G.run_regularly("I = stim(t, i)", when="start")
    mon = SpikeMonitor(G)
    net = Network(G, mon)
    net.run(steps * dt)
    with open(out, "w") as f:
        for i, t in zip(mon.i[:], mon.t[:] / second):
            f.write(f"{int(i)} {t!r}\n")


if __name__ == "__main__":
    main()
