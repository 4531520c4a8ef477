#!/usr/bin/env python3
"""RFC 6455 checks with hand-made frames, the ones Autobahn's cases send for issue 13 items 12 and 14.

  ws_rfc.py client PORT CASE   a raw client against a WebSocket server on 127.0.0.1:PORT, path /
      close3000     send Close(3000, "bye"); print the code of the server's answer:  close <code>
      utf8-slow     send a text frame whose first 4 bytes hold invalid UTF-8, the rest 3 s later (Autobahn 6.4.4);
                    print how long the server took to close and its code:           closed <code> after <seconds>
  ws_rfc.py server PORT CASE   a raw server on 127.0.0.1:PORT for one client (prints "ready" when listening)
      close3000     after the handshake send Close(3000, "bye"); print what the client answered: close <code> | none
      utf8-slow     send the frame of utf8-slow above; print the client's Close code and the time:  closed <code> after <s>
"""
import base64
import hashlib
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rpc"))
from ws_cases import frame  # noqa: E402  (the frame builder of the Autobahn-style suite)

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# Bytes 0xCE 0xBA 0xE1 0xBD 0xB9 0xCF 0x83 0xCE 0xBC 0xCE 0xB5 are "κόσμε"; 0xF4 0x90 is past U+10FFFF: invalid at once.
FIRST = bytes([0xCE, 0xBA, 0xF4, 0x90])
REST = bytes([0x80, 0x80]) + "-edited".encode()


def read_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def read_frame(s):
    b0, b1 = read_exact(s, 2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack("!H", read_exact(s, 2))[0]
    elif n == 127:
        n = struct.unpack("!Q", read_exact(s, 8))[0]
    key = read_exact(s, 4) if b1 & 0x80 else None
    payload = read_exact(s, n)
    if key:
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return b0 & 0x0F, payload


def read_close_code(s):
    while True:
        opcode, payload = read_frame(s)
        if opcode == 8:
            return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else "empty"


def client(port, case):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += s.recv(1)
    assert b" 101 " in answer.split(b"\r\n")[0], answer
    if case == "close3000":
        s.sendall(frame(8, struct.pack("!H", 3000) + b"bye", mask=True))
        print("close", read_close_code(s), flush=True)
    elif case == "utf8-slow":
        payload = FIRST + REST
        head = bytes([0x81, 0x80 | len(payload)])
        key = os.urandom(4)
        masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        start = time.monotonic()
        s.sendall(head + key + masked[:len(FIRST)])
        s.settimeout(10)
        try:
            code = read_close_code(s)
        except (EOFError, ConnectionError):
            code = "reset"
        print("closed", code, "after", round(time.monotonic() - start, 2), flush=True)
        try:
            s.sendall(masked[len(FIRST):])
        except OSError:
            pass


def server(port, case):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1)
    print("ready", flush=True)
    while True:
        # A readiness probe (a connect and close) comes first: wait for the connection that sends a handshake.
        s, _ = listener.accept()
        s.settimeout(10)
        request = b""
        while b"\r\n\r\n" not in request:
            byte = s.recv(1)
            if not byte:
                break
            request += byte
        if b"\r\n\r\n" in request:
            break
        s.close()
    key = [line.split(b":", 1)[1].strip() for line in request.split(b"\r\n") if line.lower().startswith(b"sec-websocket-key:")][0]
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    s.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")
    if case == "close3000":
        s.sendall(frame(8, struct.pack("!H", 3000) + b"bye", mask=False))
        try:
            print("close", read_close_code(s), flush=True)
        except (socket.timeout, EOFError, ConnectionError):
            print("close none", flush=True)
    elif case == "utf8-slow":
        payload = FIRST + REST
        start = time.monotonic()
        s.sendall(bytes([0x81, len(payload)]) + payload[:len(FIRST)])
        try:
            code = read_close_code(s)
        except (socket.timeout, EOFError, ConnectionError):
            code = "none"
        print("closed", code, "after", round(time.monotonic() - start, 2), flush=True)
        try:
            s.sendall(payload[len(FIRST):])
        except OSError:
            pass
    time.sleep(0.5)
    s.close()


if __name__ == "__main__":
    role, port, case = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    (client if role == "client" else server)(port, case)
