#!/usr/bin/env python3
"""Hostile server: answers the first bytes (TCP) or the first datagram (UDP) of each client with a reply that does not
end: 64 KB chunks as fast as the client takes them, with no pause a "quiet period" could see. A client without a cap
on replies keeps all of it in memory (issue 10, item 12). Past CAP_BYTES per client it stops, so a broken client in a
test cannot take the machine's memory with it.

usage: endless_reply.py tcp|udp PORT CAP_BYTES     (binds 127.0.0.1; it is ready when TCP PORT accepts, in both modes)
"""
import socket
import sys
import threading
import time

mode, port, cap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
chunk = b"x" * 65536
datagram = b"y" * 60000


def serve_tcp(conn):
    with conn:
        try:
            if not conn.recv(65536):
                return
            sent = 0
            while sent < cap:
                conn.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the client gave up: that is the point


if mode == "tcp":
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve_tcp, args=(conn,), daemon=True).start()
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    # A TCP listener on the same port number only says "ready" to tests that wait for a TCP accept.
    ready = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ready.bind(("127.0.0.1", port))
    ready.listen(64)
    def flood(client):
        sent = 0
        deadline = time.monotonic() + 15
        while sent < cap and time.monotonic() < deadline:
            try:
                s.sendto(datagram, client)
                sent += len(datagram)
                # Paced (about 12 MB/s, so CAP_BYTES lasts seconds): the kernel drops what does not fit in the reader's
                # buffer (3 datagrams), so a flood faster than a reader on a loaded machine is over before it has read
                # much, and the reader sees a quiet period instead of a reply too large (a CI flake at 100 MB/s).
                time.sleep(0.005)
            except ConnectionRefusedError:
                break  # port unreachable: the client closed its socket
            except OSError:
                time.sleep(0.001)  # the socket's buffer is full for a moment: keep flooding

    # One flood per client, side by side: an unconnected UDP socket never hears that a client has gone, so a serial
    # server kept flooding a finished client (for 15 s at most) while the next one waited.
    while True:
        _, client = s.recvfrom(65536)
        threading.Thread(target=flood, args=(client,), daemon=True).start()
