# SPDX-License-Identifier: Apache-2.0
"""What the real-time command-line tests in Python share: checks, site addresses, raw HTTP and the
dashboard's event stream (docs/dashboard.md). Imported by the tests next to it (Python puts the
script's own directory first on sys.path)."""
import json
import os
import re
import socket
import subprocess
import sys
import time

FAILURES = []
BUILTIN_SITES = ("zurich", "southampton", "padova")


def check(cond, what):
    """Prints one check and remembers a failure; the test goes on to report every check."""
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        FAILURES.append(what)


def finish():
    """Ends the test: a non-zero exit when any check failed."""
    if FAILURES:
        sys.exit(f"{len(FAILURES)} check(s) failed")


def place_sites(src, dst, addresses, monitor=None):
    """Copies experiment `src` to `dst` with each site's `address` replaced (addresses: site -> "HOST:PORT")
    and, when `monitor` is "HOST:PORT", one [[monitors]] entry named "mon" there."""
    text = open(src).read()
    for site, address in addresses.items():
        at = text.index(f"[sites.{site}]")
        line = text.index("address", at)
        end = text.index("\n", line)
        text = text[:line] + f'address = "{address}"' + text[end:]
    if monitor:
        text += f'\n[[monitors]]\nname = "mon"\naddress = "{monitor}"\n'
    open(dst, "w").write(text)


def wait_for_file(path, proc, seconds=30):
    """Waits until `path` exists, `proc` ends or `seconds` pass; returns whether it exists."""
    deadline = time.monotonic() + seconds
    while not os.path.exists(path) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    return os.path.exists(path)


def dashboard_address(proc, who):
    """Reads the `dashboard: http://HOST:PORT/` line a command prints first; kills it and exits if absent."""
    line = proc.stdout.readline()
    m = re.match(r"dashboard: http://([\d.]+):(\d+)/\s*$", line)
    check(m is not None, f"{who} prints its dashboard's address: {line!r}")
    if not m:
        proc.kill()
        sys.exit(f"no dashboard address; stderr: {proc.communicate()[1][-400:]}")
    return m.group(1), int(m.group(2))


def request(host, port, method, path, headers=""):
    """One raw HTTP/1.1 request; returns (status code, whole answer text)."""
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}Content-Length: 0\r\n"
                  f"Connection: close\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    text = data.decode("utf-8", "replace")
    m = re.match(r"HTTP/1\.1 (\d+)", text)
    return (int(m.group(1)) if m else 0), text


def page_config(page):
    """The JSON configuration the dashboard page carries (its Stop offer and token)."""
    return json.loads(re.search(r'id="ion-live-config">(.*?)</script>', page, re.S).group(1))


class EventStream:
    """GET /events, read incrementally; events() parses what arrived so far into (name, json) pairs."""

    def __init__(self, host, port):
        self.s = socket.create_connection((host, port), timeout=0.2)
        self.s.sendall(f"GET /events HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        self.buf = b""

    def read_for(self, seconds):
        """Reads for up to `seconds`, or until the server closes or sends `ended`."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                chunk = self.s.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                break
            self.buf += chunk
            if b"event: ended" in self.buf:
                break

    def events(self):
        out = []
        text = self.buf.decode("utf-8", "replace")
        for m in re.finditer(r"event: (\w+)\r?\n(?:[0-9a-fA-F]+\r\n)?data: (.*?)\n", text):
            try:
                out.append((m.group(1), json.loads(m.group(2))))
            except json.JSONDecodeError:
                pass  # a data line cut by chunk framing: the next one is whole
        return out

    def close(self):
        self.s.close()


def read_events(host, port, seconds):
    """The events of one GET /events for up to `seconds` (or until `ended`)."""
    stream = EventStream(host, port)
    try:
        stream.read_for(seconds)
        return stream.events()
    finally:
        stream.close()


def start(cmd):
    """Starts a command with text pipes for stdout and stderr."""
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
