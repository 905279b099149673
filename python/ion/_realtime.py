# SPDX-License-Identifier: Apache-2.0
"""ion.run(sim=False): a real-time run launched exactly as ``ion run --realtime`` launches it (one
``ion node`` process per site over loopback UDP, keys, warm-up, clean stop), by running that
command. The sites are separate processes in any case, so nothing is gained by a second launcher
in this process; the recording is then opened from the run directory."""
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile

from . import _ion

def executable():
    """The ``ion`` program real-time runs launch: ``$ION_BINARY`` if set, else the one installed
    with this package (``pip install .``), else the one built beside this module (``make``), else
    ``ion`` on ``PATH``. Raises FileNotFoundError naming every place looked at."""
    here = pathlib.Path(__file__).parent
    candidates = [os.environ.get("ION_BINARY"), str(here / "_bin" / "ion"), _ion.built_executable]
    for c in candidates:
        if c and os.access(c, os.X_OK) and os.path.isfile(c):
            return c
    on_path = shutil.which("ion")
    if on_path:
        return on_path
    looked = ", ".join(c for c in candidates if c)
    raise FileNotFoundError(f"ion.run(sim=False) needs the `ion` program: not found at {looked} or on PATH "
                            "(set ION_BINARY)")


def _argv(exe, file, out, seed, duration, warmup):
    argv = [exe, "run", "--realtime", file, "--out", out, "--quiet", "--warmup", _duration_text(warmup)]
    if seed is not None:
        argv += ["--seed", str(int(seed))]
    if duration is not None:
        argv += ["--duration", _duration_text(duration)]
    return argv


def _duration_text(d):
    """A duration for the command line: integer nanoseconds become "Nns"; text is checked here
    so a mistake is a ValueError before any process starts."""
    if isinstance(d, int):
        return f"{d}ns"
    _ion.parse_duration(str(d))
    return str(d)


def _wait(proc):
    """Waits for ``ion run``; on Ctrl-C (KeyboardInterrupt here) stops it the way Ctrl-C in a
    terminal does (SIGINT: every site stops cleanly, the outputs are written marked
    interrupted), waits until it has written them, and re-raises."""
    try:
        return proc.communicate()[1]
    except KeyboardInterrupt:
        _stop(proc)
        raise


def _stop(proc):
    """SIGINT to ``ion run``, then wait for it to end however long its outputs take (it bounds
    the sites' stop itself: kStopGrace in src/node/launch/run_realtime.hpp). A further Ctrl-C
    while it stops is forwarded too, as a terminal would."""
    while True:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate()
            return
        except KeyboardInterrupt:
            continue


def run_realtime(experiment, seed, out, duration, warmup):
    """Runs ``experiment`` in real time with ``ion run --realtime`` into ``out`` (created, must be
    empty); returns the run directory and ``ion run``'s exit code and standard error. The
    experiment's text is handed over in a temporary file, removed afterwards."""
    exe = executable()
    argv_base = dict(seed=seed, duration=duration, warmup=warmup)
    with tempfile.TemporaryDirectory(prefix="ion-realtime-") as tmp:
        file = os.path.join(tmp, "experiment.toml")
        pathlib.Path(file).write_text(experiment.to_toml())
        argv = _argv(exe, file, out, **argv_base)
        # Its own process group: a Ctrl-C reaches ion run once, from _wait, not twice.
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        err = _wait(proc)
    return proc.returncode, err
