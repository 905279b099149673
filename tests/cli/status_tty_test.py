# SPDX-License-Identifier: Apache-2.0
"""`ion run`'s status on a terminal and on a pipe (src/cli/status_view.hpp).

Two real-time runs of the built-in experiment (5 s, warm-up 1 s) on 127.0.130.1:
  - stdout a pseudo-terminal 100 columns wide: every frame of the status block has at most 4
    lines of at most 100 columns, and every frame after the first is redrawn in place (it starts
    by moving the cursor up over the previous frame's lines and clearing: ESC[nA ... ESC[J);
  - stdout a pipe: compact lines of at most 100 columns without escape codes or carriage returns.
Only the progress part is checked: the lines between the run's first line ("ion run: ...") and
its "recording:" line. Usage: status_tty_test.py ION OUT_DIR EXPERIMENT_TOML
"""
import fcntl
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time

COLUMNS = 100
ADDRESS = "127.0.130.1"
REDRAW = re.compile(r"\x1b\[(\d+)A\r?\x1b\[J")


def experiment(src, out_dir):
    # Its own loopback address; ports as the file says (none: `ion run` picks free ones).
    text = open(src, encoding="utf-8").read().replace('"127.0.0.1', '"' + ADDRESS)
    path = os.path.join(out_dir, "experiment.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def command(ion, exp, out):
    return [ion, "run", exp, "--realtime", "--duration", "5s", "--warmup", "1s", "--out", out]


def run_on_pty(cmd):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, COLUMNS, 0, 0))
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    data = b""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            data += chunk
        elif proc.poll() is not None:
            break
    os.close(master)
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.wait(timeout=30)
    return proc.returncode, data.decode("utf-8", "replace"), err


def progress_part(text):
    """The text between the first line and the line starting with 'recording:'."""
    start = text.index("\n") + 1
    end = text.find("recording:", start)
    assert end >= 0, "no 'recording:' line in:\n" + text
    return text[start:end]


def fail(msg, text):
    print("FAIL: " + msg + "\n--- output (repr) ---\n" + repr(text[:6000]), file=sys.stderr)
    sys.exit(1)


def check_tty(text):
    # A terminal turns "\n" into "\r\n"; a frame's lines end in "\n".
    part = progress_part(text.replace("\r\n", "\n"))
    pieces = REDRAW.split(part)
    # pieces: first frame, then (n, frame) pairs.
    frames = [pieces[0]] + pieces[2::2]
    ups = [int(n) for n in pieces[1::2]]
    if len(frames) < 3:
        fail("fewer than 3 frames: the status is not redrawn in place", part)
    for i, frame in enumerate(frames):
        if "\x1b" in frame or "\r" in frame:
            fail("frame %d has other escape codes or carriage returns" % i, frame)
        lines = frame.split("\n")
        if lines[-1] != "":
            fail("frame %d does not end its last line" % i, frame)
        lines = lines[:-1]
        if not 1 <= len(lines) <= 4:
            fail("frame %d has %d lines" % (i, len(lines)), frame)
        for line in lines:
            if len(line) > COLUMNS:
                fail("frame %d: a line of %d columns" % (i, len(line)), line)
        if i > 0 and ups[i - 1] != len(frames[i - 1].split("\n")) - 1:
            fail("frame %d moves up %d lines over a frame of %d" % (i, ups[i - 1], len(frames[i - 1].split("\n")) - 1),
                 part)
    if not re.search(r"\d+(\.\d)? s / 5 s", part):
        fail("no 'T s / 5 s' elapsed time", part)
    if "\u2014" not in part and "w 0." not in part:
        fail("no synapse weight or dash shown", part)


def check_pipe(text):
    part = progress_part(text)
    lines = [l for l in part.split("\n") if l]
    if not lines:
        fail("no progress line on a pipe", text)
    for line in lines:
        if "\x1b" in line or "\r" in line:
            fail("escape code or carriage return on a pipe", line)
        if len(line) > COLUMNS:
            fail("a line of %d characters on a pipe" % len(line), line)
        if not line.startswith("["):
            fail("not a compact status line", line)


def main():
    ion, out, src = sys.argv[1], sys.argv[2], sys.argv[3]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    exp = experiment(src, out)
    code, text, err = run_on_pty(command(ion, exp, os.path.join(out, "tty")))
    if code != 0:
        fail("ion run on a terminal exited %d: %s" % (code, err), text)
    check_tty(text)
    p = subprocess.run(command(ion, exp, os.path.join(out, "pipe")), stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=90)
    text = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0:
        fail("ion run on a pipe exited %d: %s" % (p.returncode, p.stderr.decode()), text)
    check_pipe(text)
    print("ok: terminal frames <= 4 x %d redrawn in place; pipe lines compact" % COLUMNS)


if __name__ == "__main__":
    main()
