#!/usr/bin/env python3
"""A hostile HTTP client for the module's servers: each mode plays one attack and prints one JSON line of what it saw.

    http_client.py longline HOST PORT BYTES          GET / + BYTES x 'a', sent in 64 KB pieces until the server answers
    http_client.py idle HOST PORT N HOLD             N connections that never send a byte, held HOLD seconds
    http_client.py slowheaders HOST PORT EVERY       a request line, then one header byte every EVERY seconds
    http_client.py slowbody HOST PORT PATH           announces a 10 MB body, sends one byte, waits
    http_client.py chunks HOST PORT PATH N SIZE      a chunked POST of N chunks of SIZE bytes, stops when answered
    http_client.py resetdownload HOST PORT PATH READ reads READ bytes of a GET, then resets the connection
    http_client.py handshake HOST PORT N PROTOCOL    N WebSocket handshakes offering PROTOCOL, each waits for its answer
    http_client.py pipeline HOST PORT PATH...        every GET in one send, then reads the answers in order
    http_client.py slowmany HOST PORT N EVERY SECS   N slowloris clients (a header byte each EVERY s), reconnecting
                                                     when dropped, for SECS seconds
"""
import json
import resource
import select
import socket
import struct
import sys
import time


def connect(host, port, timeout=30):
    s = socket.create_connection((host, int(port)), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_answer(s, limit=1 << 20):
    """Reads until the peer closes or the head and Content-Length body are in; returns (status line, bytes)."""
    data = b""
    while len(data) < limit:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep:
            length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
            if length and len(body) >= length[0]:
                break
    return data.split(b"\r\n", 1)[0].decode("latin1"), data


def status_of(line):
    parts = line.split(" ")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def longline(host, port, total):
    s = connect(host, port)
    s.sendall(b"GET /")
    sent, piece = 0, b"a" * 65536
    s.setblocking(False)
    while sent < int(total):
        r, w, _ = select.select([s], [s], [], 10)
        if r:
            break
        if w:
            try:
                sent += s.send(piece)
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                break
    s.setblocking(True)
    s.settimeout(10)
    line, _ = read_answer(s)
    return {"status": status_of(line), "sent": sent}


def idle(host, port, n, hold):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    conns, failed = [], 0
    for _ in range(int(n)):
        try:
            conns.append(connect(host, port, timeout=5))
        except OSError:
            failed += 1
    print(json.dumps({"open": len(conns), "failed": failed}), flush=True)
    time.sleep(float(hold))
    # Who is still connected: a closed one reads as EOF (or a 503) at once.
    closed = 0
    for c in conns:
        c.setblocking(False)
        try:
            if c.recv(1) == b"":
                closed += 1
            else:
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        c.close()
    return {"closed_by_server": closed}


def slowheaders(host, port, every):
    s = connect(host, port, timeout=120)
    start = time.monotonic()
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    s.setblocking(False)
    answer = b""
    while time.monotonic() - start < 100:
        try:
            s.send(b"X")
        except (BrokenPipeError, ConnectionResetError):
            break
        r, _, _ = select.select([s], [], [], float(every))
        if r:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            answer += chunk
    return {"seconds": round(time.monotonic() - start, 2), "status": status_of(answer.split(b"\r\n", 1)[0].decode("latin1"))}


def slowbody(host, port, path):
    s = connect(host, port, timeout=120)
    start = time.monotonic()
    s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 10000000\r\n\r\n<".encode())
    line, _ = read_answer(s)
    return {"seconds": round(time.monotonic() - start, 2), "status": status_of(line)}


def chunks(host, port, path, n, size):
    s = connect(host, port)
    s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
    piece = (b"%x\r\n" % int(size)) + b"<" * int(size) + b"\r\n"
    sent = 0
    s.setblocking(False)
    for _ in range(int(n)):
        r, _, _ = select.select([s], [], [], 0)
        if r:
            break
        try:
            s.setblocking(True)
            s.settimeout(10)
            s.sendall(piece)
            sent += int(size)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            break
    s.setblocking(True)
    s.settimeout(10)
    line, data = read_answer(s)
    return {"status": status_of(line), "sent": sent, "answer": data[-300:].decode("utf-8", "replace")}


def resetdownload(host, port, path, read):
    s = connect(host, port)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    got = 0
    while got < int(read):
        chunk = s.recv(65536)
        if not chunk:
            break
        got += len(chunk)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    return {"read": got}


def handshake(host, port, n, protocol):
    statuses = {}
    for _ in range(int(n)):
        s = connect(host, port, timeout=10)
        s.sendall(("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                   f"Sec-WebSocket-Protocol: {protocol}\r\n\r\n").encode())
        try:
            line, _ = read_answer(s)
        except socket.timeout:
            line = "timeout"
        statuses[line] = statuses.get(line, 0) + 1
        s.close()
    return {"answers": statuses}


def pipeline(host, port, *paths):
    s = connect(host, port, timeout=10)
    s.sendall(b"".join(f"GET {p} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for p in paths))
    data = b""
    answers = []
    while len(answers) < len(paths):
        head, sep, rest = data.partition(b"\r\n\r\n")
        if sep:
            length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
            n = length[0] if length else 0
            if len(rest) >= n:
                answers.append({"status": status_of(head.split(b"\r\n", 1)[0].decode()), "body": rest[:n].decode("utf-8", "replace")})
                data = rest[n:]
                continue
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
    return {"answers": answers}


def slowmany(host, port, n, every, secs):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    end = time.monotonic() + float(secs)
    conns, dropped, reconnects = [], 0, 0

    def opened():
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((host, int(port)))
        return [s, False]

    conns = [opened() for _ in range(int(n))]
    while time.monotonic() < end:
        for i, (s, started) in enumerate(conns):
            try:
                s.send(b"X" if started else b"GET / HTTP/1.1\r\nHost: x\r\n")
                conns[i][1] = True
                s.recv(4096)
                raise ConnectionResetError()
            except BlockingIOError:
                pass
            except OSError:
                dropped += 1
                s.close()
                conns[i] = opened()
                reconnects += 1
        time.sleep(float(every))
    for s, _ in conns:
        s.close()
    return {"dropped_by_server": dropped, "reconnects": reconnects}


if __name__ == "__main__":
    modes = {f.__name__: f for f in (longline, idle, slowheaders, slowbody, chunks, resetdownload, handshake, pipeline, slowmany)}
    print(json.dumps(modes[sys.argv[1]](*sys.argv[2:])), flush=True)
