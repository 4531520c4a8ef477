#!/usr/bin/env python3
"""Runs one command (a child pwsh) and measures it from outside, the way issue 10 measured: exit code, elapsed time,
peak VmRSS and open fds of the child and its descendants (sampled from /proc/<pid>/ every 20 ms), and optionally how long it took to end
after a SIGINT (Ctrl+C) sent at a given second. --kill-after and --max-rss-mb kill the child (and say so) so that an
old module's unbounded growth cannot take the shared machine with it.

usage: measure_child.py [--sigint-after=SEC] [--kill-after=SEC] [--max-rss-mb=MB] LABEL COMMAND [ARGS...]
Prints the child's stdout/stderr tails, then one line: MEASURED label=... exit=... elapsed_s=... peak_rss_mb=...
peak_fds=... [sigint_to_exit_s=...]
"""
import os
import signal
import subprocess
import sys
import time


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def cpu_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def tree(root):
    """root and its descendants: ~/.dotnet/tools/pwsh is a launcher, the real pwsh is its child."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found.extend(frontier)
    return found


def main(argv):
    sigint_after = kill_after = max_rss_mb = None
    while argv and argv[0].startswith("--"):
        name, value = argv.pop(0)[2:].split("=", 1)
        if name == "sigint-after":
            sigint_after = float(value)
        elif name == "kill-after":
            kill_after = float(value)
        elif name == "max-rss-mb":
            max_rss_mb = float(value)
    label, command = argv[0], argv[1:]
    out_path = f"/tmp/measure-{os.getpid()}-{label}.out"
    with open(out_path, "wb") as out:
        start = time.monotonic()
        # A session of its own: SIGINT goes to the whole group, as a terminal's Ctrl+C does.
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        peak_rss = peak_fds = 0
        cpu = {}
        sigint_at = None
        killed = False
        while child.poll() is None:
            pids = tree(child.pid)
            peak_rss = max(peak_rss, sum(rss_kb(p) for p in pids))
            peak_fds = max(peak_fds, max(fds(p) for p in pids))
            for p in pids:
                cpu[p] = max(cpu.get(p, 0), cpu_ticks(p))
            now = time.monotonic() - start
            if sigint_after is not None and sigint_at is None and now >= sigint_after:
                os.killpg(child.pid, signal.SIGINT)
                sigint_at = now
            over = max_rss_mb is not None and peak_rss / 1024 > max_rss_mb
            if (over or (kill_after is not None and now >= kill_after)) and not killed:
                os.killpg(child.pid, signal.SIGKILL)
                killed = True
            time.sleep(0.02)
        elapsed = time.monotonic() - start
    with open(out_path, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    os.unlink(out_path)
    lines = text.splitlines()
    for line in lines[:60]:
        print("  | " + line[:300])
    if len(lines) > 60:
        print(f"  | ... ({len(lines) - 60} more lines)")
    extra = ""
    if sigint_at is not None:
        extra = f" sigint_to_exit_s={elapsed - sigint_at:.2f}"
    if killed:
        extra += " KILLED_AT_LIMIT"
    print(f"MEASURED label={label} exit={child.returncode} elapsed_s={elapsed:.2f} peak_rss_mb={peak_rss / 1024:.0f} "
          f"peak_fds={peak_fds} cpu_s={sum(cpu.values()) / os.sysconf('SC_CLK_TCK'):.1f}{extra}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
