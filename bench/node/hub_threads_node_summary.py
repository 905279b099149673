#!/usr/bin/env python3
"""One run of bench/node/hub_threads_node.sh: prints one tab-separated line (and a header with
--header) from the run directory's files, and writes it to DIR/summary.tsv.

usage: hub_threads_node_summary.py DIR DURATION   (e.g. 10s; rates are per second of it)

Columns (docs/benchmarks.md, "A real hub node, threads = 1 vs 2"):
  offered_P/s, chip_spikes/s  spikes of P (neurons 0..255) and of the whole chip, from chip.ionlog
  hub_rx/s, forwarded/s, pulses/s, late, withheld, ring_full_waits, device_errors
                              the hub's final note ("hub: spikes=... forwarded=... ltp= ltd= ...")
  delivered/s                 synaptic inputs recorded in chip.ionlog
  refused                     the hub node's own count ("site hub done: ... refused=")
  rcvbuf_errors               increase of the kernel's Udp RcvbufErrors (every socket of the machine)
  link_lost, link_rejected    summed over both directions, from `ion report`
  peer_down_msgs              "stopped answering" warnings of the hub node (hub.err)
  lat_p50, lat_p99            `ion report`'s latency of route chip->hub->chip
  hub_wall_s, hub_user_s, hub_sys_s, chip_cpu_s   /usr/bin/time -v of the node processes
  hub_threads                 user+sys per thread from the last /proc sample (hub.threads)
  hub_cpu_us/event            hub user+sys over the spikes HubCore received
"""
import json, os, re, subprocess, sys
from pathlib import Path

COLS = ["run", "offered_P/s", "chip_spikes/s", "hub_rx/s", "forwarded/s", "delivered/s", "pulses/s",
        "late", "withheld", "refused", "rcvbuf_errors", "ring_full_waits", "device_errors", "link_lost", "link_rejected",
        "peer_down_msgs", "lat_p50", "lat_p99", "hub_wall_s", "hub_user_s", "hub_sys_s",
        "hub_threads(user+sys s)", "hub_cpu_us/event", "chip_cpu_s"]


def hub_note(d):
    """key=value pairs of the hub's final note ("hub: spikes=... ltp=... [ring_full_waits=...]")."""
    text = (d / "hub.ionlog").read_bytes().decode("latin-1")
    m = re.findall(r"hub: spikes=\d+(?: [a-z_]+=\d+)*", text)  # the log's binary framing may follow
    return dict(kv.split("=") for kv in m[-1][5:].split()) if m else {}


def gnu_time(path):
    t = path.read_text()
    get = lambda k: re.search(re.escape(k) + r": (\S+)", t).group(1)
    wall = get("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
    return float(get("User time (seconds)")), float(get("System time (seconds)")), \
        sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))


def main():
    if sys.argv[1] == "--header":
        print("\t".join(COLS)); return
    d, dur = Path(sys.argv[1]), float(sys.argv[2].rstrip("s"))
    ion = Path(os.environ.get("ION", Path(__file__).resolve().parents[2] / "build" / "ion"))
    js = json.loads(subprocess.run([str(ion), "inspect", "--json", str(d / "chip.ionlog")], check=True,
                                   capture_output=True, text=True).stdout)["logs"][0]
    spikes = js["spikes_per_neuron"]
    offered = sum(v for k, v in spikes.items() if int(k.split(":")[1]) < 256)  # "site:index"; P is 0..255
    chip_spikes = sum(spikes.values())
    delivered = js["records_by_kind"].get("synaptic_input", 0)
    note = hub_note(d)
    raw = (d / "hub.ionlog").read_bytes().decode("latin-1")
    refused = re.findall(r"site hub done: spikes=\d+ inputs=\d+ refused=(\d+)", raw)
    snmp = []
    for f in ("snmp.before", "snmp.after"):  # the kernel's UDP counters, all sockets of the machine
        names, values = (l.split()[1:] for l in (d / f).read_text().splitlines()[:2])
        snmp.append(int(dict(zip(names, values))["RcvbufErrors"]))
    n = lambda k: int(note.get(k, -1))
    rep = (d / "report.txt").read_text()
    lost = sum(int(x) for x in re.findall(r"lost (\d+) \(", rep))
    rejected = sum(int(x) for x in re.findall(r"rejected (\d+)", rep))
    route = re.search(r"chip->hub->chip .*latency p50 (\S+) p99 (\S+)", rep)
    p50, p99 = route.groups() if route else ("-", "-")
    user, sys_, wall = gnu_time(d / "hub.time")
    cuser, csys, _ = gnu_time(d / "chip.time")
    threads = []
    if (d / "hub.threads").exists():  # clock ticks (USER_HZ = 100)
        for line in (d / "hub.threads").read_text().split("\n"):
            f = line.split()
            if len(f) == 3 and int(f[1]) + int(f[2]) > 5:
                threads.append(f"{f[0]} {(int(f[1]) + int(f[2])) / 100:.2f}")
    events = max(n("spikes"), 1)
    down = sum("down" in l for l in (d / "hub.err").read_text().splitlines())
    row = [d.name, f"{offered / dur:.0f}", f"{chip_spikes / dur:.0f}", f"{n('spikes') / dur:.0f}",
           f"{n('forwarded') / dur:.0f}", f"{delivered / dur:.0f}", f"{(n('ltp') + n('ltd')) / dur:.0f}",
           str(n("late")), str(n("withheld")), refused[-1] if refused else "-", str(snmp[1] - snmp[0]), note.get("ring_full_waits", "-"), str(n("device_errors")),
           str(lost), str(rejected), str(down), p50, p99, f"{wall:.2f}", f"{user:.2f}", f"{sys_:.2f}",
           ", ".join(threads), f"{(user + sys_) / events * 1e6:.2f}", f"{cuser + csys:.2f}"]
    line = "\t".join(row)
    (d / "summary.tsv").write_text("\t".join(COLS) + "\n" + line + "\n")
    print(line)


main()
