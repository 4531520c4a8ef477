#!/usr/bin/env python3
"""Issue 10 item 9 from outside: what a route's work costs the session after the route has timed out.

    handler_timeout.py MODULE_PSD1 ROUTE_SCRIPT TIMEOUT_SEC BEFORE_STOP_SEC AFTER_STOP_SEC

Starts a child pwsh that imports MODULE_PSD1 and runs Start-HttpServer -TimeoutSec TIMEOUT_SEC with
'GET /work' = ROUTE_SCRIPT, sends GET /work, then samples the child's CPU (utime + stime from /proc/PID/stat) and RSS
(VmRSS) every 5 s for BEFORE_STOP_SEC, has the child run Stop-NetServer, and samples AFTER_STOP_SEC more. Prints one
JSON line per sample and a last line with the answer, the CPU seconds per phase and the RSS at each end. Run it
inside isolated_net.sh: nothing but loopback.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return -1


def engine_pid(pid):
    """The process that runs PowerShell: pwsh installed as a dotnet tool is a launcher with a dotnet child."""
    while True:
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                children = f.read().split()
        except OSError:
            return pid
        if not children:
            return pid
        pid = int(children[0])


def get(port, path, timeout):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError as e:
        data += f"<{e}>".encode()
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n", 1)[0].decode("latin1"), body[:300].decode("utf-8", "replace")


def main():
    module, route, timeout, before, after = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    work = tempfile.mkdtemp(prefix="item9-")
    stop = os.path.join(work, "stop")
    script = f"""
        Import-Module '{module}'
        $web = Start-HttpServer -Port 0 -TimeoutSec {timeout} -Route @{{ 'GET /work' = {route}; 'GET /ok' = {{ 'ok' }} }}
        "port=$($web.Port)"
        while (-not (Test-Path '{stop}')) {{ Start-Sleep -Milliseconds 200 }}
        $web | Stop-NetServer -Confirm:$false
        "stopped=$($web.State)"
        [Console]::Out.Flush()
        Start-Sleep -Seconds {after + 30}
    """
    child = subprocess.Popen(["pwsh", "-NoProfile", "-NonInteractive", "-c", script], stdout=subprocess.PIPE, text=True)
    port = None
    for line in child.stdout:
        if line.startswith("port="):
            port = int(line.strip().split("=")[1])
            break
    if port is None:
        print(json.dumps({"error": "the child did not start a server", "exit": child.wait()}))
        return
    pid = engine_pid(child.pid)
    get(port, "/ok", 30)  # warm: the first request JITs the handler pool
    base_cpu, base_rss = cpu_ticks(pid), rss_mb(pid)
    t0 = time.monotonic()
    answer = get(port, "/work", timeout + 120)
    answered = time.monotonic() - t0
    answer_cpu = cpu_ticks(pid)
    print(json.dumps({"answer": answer, "answeredSec": round(answered, 1)}), flush=True)
    phases = {}
    for phase, seconds in (("before_stop", before), ("after_stop", after)):
        if phase == "after_stop":
            open(stop, "w").close()
            stopped = child.stdout.readline().strip()
            print(json.dumps({"stop": stopped, "t": round(time.monotonic() - t0, 1)}), flush=True)
        start_cpu, start_rss = cpu_ticks(pid), rss_mb(pid)
        last = start_cpu
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(5)
            if child.poll() is not None:
                break
            now = cpu_ticks(pid)
            print(json.dumps({"phase": phase, "t": round(time.monotonic() - t0, 1), "cpuPct": round(100 * (now - last) / TICK / 5),
                              "rssMB": rss_mb(pid), "fds": len(os.listdir(f"/proc/{pid}/fd"))}), flush=True)
            last = now
        alive = child.poll() is None
        phases[phase] = {"cpuSec": round((cpu_ticks(pid) - start_cpu) / TICK, 1) if alive else None,
                         "rssStartMB": start_rss, "rssEndMB": rss_mb(pid) if alive else None, "alive": alive}
    print(json.dumps({"module": module, "pid": pid, "route": route, "baseRssMB": base_rss,
                      "cpuSecUntilAnswer": round((answer_cpu - base_cpu) / TICK, 1), "baseCpuSec": round(base_cpu / TICK, 1), "phases": phases, "exit": child.poll()}), flush=True)
    if child.poll() is None:
        child.kill()
    child.wait()


if __name__ == "__main__":
    main()
