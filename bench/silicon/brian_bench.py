# SPDX-License-Identifier: Apache-2.0
"""Brian2 cpp_standalone baselines for `ion bench neurons`.

usage: /usr/bin/python3 brian_bench.py cuba|adex|dpi N SIM_S WORK_DIR [SEED [REPEATS]]
prints "run_s <seconds> spikes <count> wall_s <seconds>". run_s is Brian2's own measurement of the
run, device._last_run_time: in Brian2 2.5.1 standalone it is std::clock() around the run loop, i.e.
the process's CPU time, compilation and code generation excluded. wall_s is the wall time of
device.run() (the compiled process, including its start-up and result writing).
With REPEATS > 1 the compiled simulation is run that many times (same seed, same result) and the
minimum of each time is printed, as ion's side does.
"""
import sys
import time

from brian2 import (NeuronGroup, PoissonInput, SpikeMonitor, Synapses, set_device, device, run, defaultclock,
                    prefs, seed, ms, mV, pA, nA, nS, pF, Hz, second)

mode, n, sim_s, work = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
set_device("cpp_standalone", directory=work, build_on_run=False)
if len(sys.argv) > 5 and int(sys.argv[5]) != 0:
    seed(int(sys.argv[5]))  # seeds rand() in the generated code: initial v, connectivity, Poisson input
prefs.devices.cpp_standalone.openmp_threads = 0
defaultclock.dt = 0.1 * ms

if mode == "cuba":  # Brian2's examples/CUBA.py
    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
    eqs = """dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt"""
    P = NeuronGroup(4000, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms, method="exact")
    P.v = "Vr + rand() * (Vt - Vr)"
    we, wi = (60 * 0.27 / 10) * mV, (-20 * 4.5 / 10) * mV
    Ce = Synapses(P, P, on_pre="ge += we")
    Ci = Synapses(P, P, on_pre="gi += wi")
    Ce.connect("i<3200", p=0.02)
    Ci.connect("i>=3200", p=0.02)
    G = P
elif mode == "adex":  # ion's "adex" defaults, rk4, exponential synapse, 5 Hz Poisson input of 1 nA
    eqs = """dv/dt = (-g_L*(v - E_L) + g_L*Delta_T*exp((v - V_T)/Delta_T) - w + I)/C : volt
dw/dt = (a*(v - E_L) - w)/tau_w : amp
dI/dt = -I/(5*ms) : amp"""
    C, g_L, E_L, V_T, Delta_T, tau_w = 281 * pF, 30 * nS, -70.6 * mV, -50.4 * mV, 2 * mV, 144 * ms
    a, b, V_reset, V_peak = 4 * nS, 80.5 * pA, -70.6 * mV, -40.4 * mV
    G = NeuronGroup(n, eqs, threshold="v > V_peak", reset="v = V_reset; w += b", method="rk4")
    G.v = E_L
    inp = PoissonInput(G, "I", 1, 5 * Hz, weight=1 * nA)
else:  # dpi: ion's "dpi" defaults, rk4, DPI synapse tau 5 ms, 5 Hz Poisson input
    eqs = """dImem/dt = (Ith/Itau*(Iin + Ia - Iahp) - Ith - (1 + (Iahp - Ia)/Itau)*Imem_c)/(tau*(Ith/(Imem_c + I0) + 1))*int(not_refractory) : amp
Imem_c = clip(Imem, I0, 1*amp) : amp
Ia = Iagain/(1 + exp(-(Imem_c - Iath)/Ianorm)) : amp
dIahp/dt = -Iahp/tauahp : amp
dIsyn/dt = -Isyn/(5*ms) : amp
Iin = clip(Isyn, I0, 1*amp) : amp"""
    Cmem, Itau, Ith, Iagain, Iath, Ianorm = 2 * pF, 3.5 * pA, 35 * pA, 50 * pA, 100 * pA, 20 * pA
    Ispkthr, Ireset, Cahp, Itauahp, Iahpjump, I0 = 300 * pA, 1 * pA, 2 * pF, 1.43 * pA, 5 * pA, 0.5 * pA
    tau = Cmem * 25 * mV / (0.7 * Itau)
    tauahp = Cahp * 25 * mV / (0.7 * Itauahp)
    jump = 200 * pA * (1 - 2.718281828459045 ** (-1 / 5))
    G = NeuronGroup(n, eqs, threshold="Imem > Ispkthr", reset="Imem = Ireset; Iahp += Iahpjump",
                    refractory=1 * ms, method="rk4")
    G.Imem = I0
    G.run_regularly("Imem = clip(Imem, I0, 1*amp)", when="after_groups")  # ion floors I_mem at I_0 too
    inp = PoissonInput(G, "Isyn", 1, 5 * Hz, weight=jump)
mon = SpikeMonitor(G, record=False)
run(sim_s * second)
device.build(directory=work, compile=True, run=False)
repeats = int(sys.argv[6]) if len(sys.argv) > 6 else 1
run_s, wall_s = float("inf"), float("inf")
for _ in range(repeats):
    w0 = time.perf_counter()
    device.run(work, False, [])
    wall_s = min(wall_s, time.perf_counter() - w0)
    run_s = min(run_s, device._last_run_time)
print(f"run_s {run_s} spikes {int(mon.num_spikes)} wall_s {wall_s}")
