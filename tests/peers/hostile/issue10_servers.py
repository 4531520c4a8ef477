#!/usr/bin/env python3
"""Issue 10 items 1-8 replayed from outside, as the reviewer who filed them will: a CHILD pwsh (real pwsh, `pwsh` on
PATH) imports the module given, starts the server(s) of the item or runs the client, and the hostile peers of this
folder attack it over loopback. What the issue measured is measured on the child (exit code, VmRSS, fds, CPU seconds,
CLOSE-WAIT sockets, elapsed time) and printed as one JSON line. Run it inside isolated_net.sh, one item at a time.

usage: issue10_servers.py MODULE_PSD1 ITEM [ARGS]
  xmlrpc-server          item 1: the deep calls of xmlrpc_deep_call_client.py; a file server beside it must live on
  xmlrpc-client          item 2: Invoke-XmlRpc against xmlrpc_deep_answer_server.py inside try/catch
  race RUNS              item 3: Find-OpenPort 127.0.0.0/20 -TimeoutSec 0.01 against accept_and_close.py, RUNS times
  idle KIND N HOLD [FDS] item 4: N idle connections (in processes of 9,000) held HOLD s against KIND (a child of ulimit -n FDS)
  longline KIND          item 5: GET / + 100,000,000 x 'a' + ' HTTP/1.1', a whole request
  partial KIND WAIT      item 6: a partial request line ('GET /a'), a partial header, a 10 MB body announced with 1 byte
  chunked KIND           item 7: a chunked POST of 600 x 1 MB
  reset                  item 8: a 20 GB file read 64 KB and reset; CPU, ActiveConnections and the log afterwards
KIND: file | http | xmlrpc | ws
Loopback only.
"""
import json
import os
import queue
import select
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE = sys.argv[1]
END = "<<END>>"

# A REPL in the child: the driver sends one line of PowerShell, the child answers its output and END. So the server
# lives in the child's session (the user's), and the driver can ask it about itself (ActiveConnections, GetLog()).
REPL = (
    "$ErrorActionPreference = 'Continue'\n"
    "Import-Module '%s'\n"
    "while ($null -ne ($line = [Console]::In.ReadLine())) {\n"
    "  try { $o = Invoke-Expression $line 2>&1 | Out-String -Width 400 } catch { $o = \"ERROR $_\" }\n"
    "  [Console]::Out.WriteLine($o.TrimEnd()); [Console]::Out.WriteLine('%s'); [Console]::Out.Flush()\n"
    "}\n"
)

SERVERS = {
    "file": "Start-HttpFileServer -Path '{root}' -Port 0",
    "http": "Start-HttpServer -Port 0 -Route @{{ 'GET /' = {{ 'hi' }}; 'POST /' = {{ param($Request) $Request.Body.Length }} }}",
    "xmlrpc": "Start-XmlRpcServer -Port 0 -Method @{{ echo = {{ param($v) $v }} }}",
    "ws": "Start-WebSocketEchoServer -Port 0",
}


class Child:
    """A pwsh child running REPL; stdout is read line by line, stderr collected."""

    def __init__(self, ulimit=None):
        script = REPL % (MODULE, END)
        cmd = ["pwsh", "-NoProfile", "-NonInteractive", "-c", script]
        if ulimit:
            cmd = ["bash", "-c", f"ulimit -n {ulimit} && exec \"$@\"", "bash"] + cmd
        self.err = tempfile.TemporaryFile()
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err, text=True, bufsize=1)
        self.peak = 0.0
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    @property
    def pid(self):
        """The process running PowerShell: the dotnet-tool shim `pwsh` starts `dotnet pwsh.dll` as its child."""
        if getattr(self, "_pid", None):
            return self._pid
        pid = self.p.pid
        for _ in range(3):
            try:
                with open(f"/proc/{pid}/task/{pid}/children") as f:
                    kids = f.read().split()
            except OSError:
                break
            if not kids:
                break
            pid = int(kids[0])
        if pid != self.p.pid:
            self._pid = pid
        return pid

    def run(self, line, timeout=120):
        self.p.stdin.write(line.replace("\n", " ") + "\n")
        self.p.stdin.flush()
        out, end = [], time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                text = self.lines.get(timeout=1)
            except queue.Empty:
                if self.p.poll() is not None:
                    return None
                continue
            if text is None:
                return None  # the child is gone
            if text == END:
                return "\n".join(out)
            out.append(text)
        return "TIMEOUT " + "\n".join(out)

    def _read(self):
        for text in self.p.stdout:
            self.lines.put(text.rstrip("\n"))
        self.lines.put(None)

    def alive(self):
        return self.p.poll() is None

    def stderr(self):
        self.err.seek(0)
        return self.err.read().decode("utf-8", "replace")

    def status(self, field):
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for l in f:
                    if l.startswith(field + ":"):
                        return int(l.split()[1])
        except OSError:
            return None

    def rss_mb(self):
        kb = self.status("VmRSS")
        if kb is None:
            return None
        mb = round(kb / 1024, 1)
        self.peak = max(self.peak, mb)
        return mb

    def fds(self):
        try:
            return len(os.listdir(f"/proc/{self.pid}/fd"))
        except OSError:
            return None

    def cpu(self):
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().split(")")[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            return None

    def close(self):
        if self.alive():
            try:
                self.p.stdin.close()
                self.p.wait(20)
            except Exception:
                self.p.kill()
        return self.p.wait()


def start_server(child, kind, root=None):
    out = child.run("$s = " + SERVERS[kind].format(root=root) + "; $s.Port")
    return int(out.strip().splitlines()[-1])


def close_wait(port):
    out = subprocess.run(["ss", "-tanH", "state", "close-wait", f"( sport = :{port} )"], capture_output=True, text=True).stdout
    return len(out.splitlines())


def established(port):
    out = subprocess.run(["ss", "-tanH", "state", "established", f"( sport = :{port} )"], capture_output=True, text=True).stdout
    return len(out.splitlines())


def peer(*args, timeout=300):
    r = subprocess.run([sys.executable, os.path.join(HERE, args[0])] + [str(a) for a in args[1:]],
                       capture_output=True, text=True, timeout=timeout)
    return r.stdout.strip(), r.stderr.strip()[-500:]


def sample_while(child, proc, every=0.5):
    """Samples the child's RSS while proc runs; returns the peak."""
    while proc.poll() is None:
        child.rss_mb()
        time.sleep(every)
    child.rss_mb()


def item_xmlrpc_server():
    child = Child()
    root = tempfile.mkdtemp()
    open(os.path.join(root, "a.txt"), "w").write("a")
    port = start_server(child, "xmlrpc")
    fport = int(child.run(f"$f = Start-HttpFileServer -Path '{root}' -Port 0; $f.Port").splitlines()[-1])
    before = child.rss_mb()
    start = time.monotonic()
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "xmlrpc_deep_call_client.py"), str(port)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sample_while(child, p)
    out = p.stdout.read().strip().splitlines()
    time.sleep(1)
    other = http_get(fport, "/a.txt")
    result = {"item": 1, "alive": child.alive(), "exit": child.p.poll(), "seconds": round(time.monotonic() - start, 1),
              "client": [l[:160] for l in out], "other_server": other, "rss_before": before, "rss_peak": child.peak,
              "stderr": child.stderr()[:400]}
    child.close()
    return result


def http_get(port, path):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            c = s.recv(65536)
            if not c:
                break
            data += c
        s.close()
        return data.split(b"\r\n", 1)[0].decode("latin1")
    except OSError as e:
        return f"error {e}"


def item_xmlrpc_client():
    port = free_port()
    srv = subprocess.Popen([sys.executable, os.path.join(HERE, "xmlrpc_deep_answer_server.py"), str(port)])
    wait_port(port)
    child = Child()
    results = {}
    for m in ("deepstring", "deeparray", "deepfault", "honest"):
        out = child.run(f"try {{ $r = Invoke-XmlRpc http://127.0.0.1:{port}/RPC2 -Method {m} -ErrorAction Stop; 'returned ' + $r }} "
                        f"catch {{ 'caught ' + $_.FullyQualifiedErrorId.Split(',')[0] + ': ' + $_.Exception.Message }}")
        results[m] = out[:200] if out is not None else "CHILD GONE"
        if out is None:
            break
    code = child.close()
    srv.kill()
    return {"item": 2, "results": results, "exit": code, "stderr": child.stderr()[:400]}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, host="127.0.0.1"):
    for _ in range(200):
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"port {port} never listened")


def item_race(runs):
    port = free_port()
    srv = subprocess.Popen([sys.executable, os.path.join(HERE, "accept_and_close.py"), str(port), "4096"],
                           stdout=subprocess.PIPE, text=True)
    srv.stdout.readline()
    crashes, lines = 0, []
    for i in range(int(runs)):
        start = time.monotonic()
        r = subprocess.run(["pwsh", "-NoProfile", "-NonInteractive", "-c",
                            f"Import-Module '{MODULE}'; $rows = @(Find-OpenPort 127.0.0.0/20 -Port {port} -TimeoutSec 0.01 -IncludeClosed); "
                            "'rows ' + $rows.Count"], capture_output=True, text=True, timeout=300)
        crashed = r.returncode != 0 or "Unhandled exception" in r.stderr
        crashes += crashed
        detail = r.stdout.strip()[-60:] if not crashed else [l for l in r.stderr.splitlines() if "Exception" in l][:2]
        lines.append({"run": i + 1, "exit": r.returncode, "seconds": round(time.monotonic() - start, 1), "out": detail})
    srv.kill()
    return {"item": 3, "runs": int(runs), "crashed": crashes, "detail": lines}


def item_idle(kind, n, hold, ulimit=None):
    n, hold = int(n), float(hold)
    child = Child(ulimit)
    root = tempfile.mkdtemp()
    open(os.path.join(root, "a.txt"), "w").write("a")
    port = start_server(child, kind, root)
    before, fds_before = child.rss_mb(), child.fds()
    # One client process holds at most 9,000 sockets (the machine's hard fd limit is 20,000 a process).
    procs, left = [], n
    while left > 0:
        k = min(9000, left)
        procs.append(subprocess.Popen([sys.executable, os.path.join(HERE, "http_client.py"), "idle", "127.0.0.1", str(port), str(k), str(hold)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        left -= k
    opened = [json.loads(p.stdout.readline() or "{}") for p in procs]
    time.sleep(2)
    during = {"rss": child.rss_mb(), "fds": child.fds(), "established": established(port), "alive": child.alive()}
    # A normal request while the idle ones are held: the cap answers it 503, or it is served.
    during["normal_request"] = http_get(port, "/a.txt" if kind == "file" else "/")
    while any(p.poll() is None for p in procs):
        child.rss_mb()
        if not child.alive():
            break
        time.sleep(1)
    closed = [json.loads((p.stdout.read().strip().splitlines() or ["{}"])[-1]) for p in procs]
    time.sleep(3)
    after = {"rss": child.rss_mb(), "fds": child.fds(), "alive": child.alive(), "close_wait": close_wait(port)}
    info = child.run("$s | Select-Object ActiveConnections, ConnectionsRefused | ConvertTo-Json -Compress") if child.alive() else None
    after["normal_request"] = http_get(port, "/a.txt" if kind == "file" else "/")
    result = {"item": 4, "kind": kind, "n": n, "rss_before": before, "fds_before": fds_before, "opened": opened, "during": during,
              "closed_by_server": closed, "after": after, "server": info, "rss_peak": child.peak, "exit": child.p.poll(),
              "stderr": child.stderr()[-600:]}
    child.close()
    return result


def read_answer(s, child, seconds, answer, done):
    """Reads until done(answer), the peer closes or resets, or seconds pass, sampling the child's RSS meanwhile."""
    s.settimeout(1)
    start = time.monotonic()
    while time.monotonic() - start < seconds and not done(answer):
        child.rss_mb()
        try:
            c = s.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            break
        if not c:
            break
        answer += c
    return answer


def whole_response(answer):
    """A head and as much body as its Content-Length says."""
    head, sep, body = answer.partition(b"\r\n\r\n")
    length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
    return bool(sep and length and len(body) >= length[0])


def long_request(port, total, child):
    """GET / + TOTAL x 'a' + ' HTTP/1.1' and a Host header, as one whole request; returns (status line, bytes sent)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(b"GET /")
    s.setblocking(False)
    sent, piece, answer = 0, b"a" * 65536, b""
    tail = b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    while True:
        todo = piece[:max(0, min(len(piece), total - sent))] or tail
        r, w, _ = select.select([s], [s], [], 30)
        child.rss_mb()
        if r:
            break
        if not w:
            return "no answer in 30 s", sent
        try:
            n = s.send(todo)
        except (BlockingIOError, BrokenPipeError, ConnectionResetError):
            break
        if todo is tail:
            tail = tail[n:]
            if not tail:
                break
        else:
            sent += n
    s.setblocking(True)
    answer = read_answer(s, child, 60, answer, lambda got: b"\r\n" in got)
    s.close()
    return answer.split(b"\r\n", 1)[0].decode("latin1") or "closed without an answer", sent


def item_longline(kind):
    child = Child()
    root = tempfile.mkdtemp()
    port = start_server(child, kind, root)
    before = child.rss_mb()
    start = time.monotonic()
    line, sent = long_request(port, 100_000_000, child)
    seconds = round(time.monotonic() - start, 1)
    time.sleep(2)
    result = {"item": 5, "kind": kind, "answer": line, "sent": sent, "seconds": seconds, "rss_before": before, "rss_peak": child.peak,
              "rss_after": child.rss_mb(), "alive": child.alive(), "next": http_get(port, "/")}
    child.close()
    return result


def open_for(port, data, wait):
    """Sends data and waits up to WAIT s for the server to answer or close; returns (seconds, first line or state)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(data)
    start = time.monotonic()
    got = b""
    while time.monotonic() - start < wait:
        r, _, _ = select.select([s], [], [], 0.5)
        if r:
            try:
                c = s.recv(65536)
            except ConnectionResetError:
                return round(time.monotonic() - start, 1), "reset " + got.split(b"\r\n", 1)[0].decode("latin1")
            if not c:
                return round(time.monotonic() - start, 1), "closed " + got.split(b"\r\n", 1)[0].decode("latin1")
            got += c
    s.close()
    return round(time.monotonic() - start, 1), "STILL OPEN " + got.split(b"\r\n", 1)[0].decode("latin1")


def item_partial(kind, wait):
    wait = float(wait)
    child = Child()
    root = tempfile.mkdtemp()
    port = start_server(child, kind, root)
    path = "/RPC2" if kind == "xmlrpc" else "/"
    result = {"item": 6, "kind": kind, "wait": wait}
    # The three at once, each on its own connection: the slowest decides how long the item takes.
    cases = (("request_line", b"GET /a"),
             ("header", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Partial: a"),
             ("body_10MB_1_byte", f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: 10000000\r\n\r\n<".encode()))
    threads = [threading.Thread(target=lambda n=n, d=d: result.__setitem__(n, open_for(port, d, wait))) for n, d in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result["alive"] = child.alive()
    child.close()
    return result


def chunked_post(port, path, n, size, child):
    """A chunked POST of N chunks of SIZE bytes, stopped when the server answers; returns (status line, bytes sent, tail)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
    piece = (b"%x\r\n" % size) + b"<" * size + b"\r\n"
    sent = 0
    for _ in range(n):
        child.rss_mb()
        r, _, _ = select.select([s], [], [], 0)
        if r:
            break
        try:
            s.sendall(piece)
            sent += size
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            break
    else:
        try:
            s.sendall(b"0\r\n\r\n")
        except OSError:
            pass
    answer = read_answer(s, child, 120, b"", whole_response)
    s.close()
    return answer.split(b"\r\n", 1)[0].decode("latin1"), sent, answer[-200:].decode("utf-8", "replace")


def item_chunked(kind):
    child = Child()
    root = tempfile.mkdtemp()
    port = start_server(child, kind, root)
    path = "/RPC2" if kind == "xmlrpc" else "/"
    before = child.rss_mb()
    start = time.monotonic()
    line, sent, tail = chunked_post(port, path, 600, 1 << 20, child)
    seconds = round(time.monotonic() - start, 1)
    time.sleep(2)
    result = {"item": 7, "kind": kind, "answer": line, "sent": sent, "tail": tail, "seconds": seconds, "rss_before": before,
              "rss_peak": child.peak, "rss_after": child.rss_mb(), "alive": child.alive()}
    child.close()
    return result


def item_reset():
    root = tempfile.mkdtemp()
    with open(os.path.join(root, "huge.bin"), "wb") as f:
        f.truncate(20 * 1024 ** 3)  # sparse: 20 GB that cost nothing to read
    child = Child()
    port = start_server(child, "file", root)
    cpu0 = child.cpu()
    c = socket.create_connection(("127.0.0.1", port), timeout=30)
    c.sendall(b"GET /huge.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    got = b""
    while len(got) < 65536:
        piece = c.recv(65536)
        if not piece:
            break
        got += piece
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    out = {"read": len(got), "status": got.split(b"\r\n", 1)[0].decode("latin1")}
    t0, c0 = time.monotonic(), child.cpu()
    samples = []
    for _ in range(4):
        time.sleep(5)
        samples.append({"t": round(time.monotonic() - t0), "cpu_s": round(child.cpu() - c0, 2),
                        "active": child.run("$s.ActiveConnections")})
    log = child.run("$s.GetLog() | Select-String huge.bin | ForEach-Object Line")
    result = {"item": 8, "peer": out, "cpu_before": cpu0, "after_reset": samples, "log": log, "alive": child.alive(),
              "close_wait": close_wait(port)}
    child.close()
    return result


if __name__ == "__main__":
    items = {"xmlrpc-server": item_xmlrpc_server, "xmlrpc-client": item_xmlrpc_client, "race": item_race, "idle": item_idle,
             "longline": item_longline, "partial": item_partial, "chunked": item_chunked, "reset": item_reset}
    print(json.dumps(items[sys.argv[2]](*sys.argv[3:])), flush=True)
