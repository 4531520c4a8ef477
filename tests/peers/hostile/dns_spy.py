#!/usr/bin/env python3
"""A DNS resolver that resolves nothing: listens on 127.0.0.1:53 (UDP and TCP), appends every name it is asked to
LOG (one a line) and answers NXDOMAIN at once. Run inside isolated_net.sh's network namespace, it proves that a
command asked no resolver at all, and no query can leave the machine even when a guard is broken.

usage: dns_spy.py LOG     (prints 'ready' once both sockets listen)
"""
import socket
import struct
import sys
import threading

log_path = sys.argv[1]
lock = threading.Lock()


def name_of(query):
    labels, i = [], 12
    while i < len(query) and query[i]:
        n = query[i]
        labels.append(query[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    return ".".join(labels), i + 5


def answer(query):
    name, end = name_of(query)
    with lock, open(log_path, "a") as log:
        log.write(name + "\n")
    flags = 0x8183  # response, recursion desired + available, NXDOMAIN
    return query[:2] + struct.pack(">HHHHH", flags, 1, 0, 0, 0) + query[12:end]


def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 53))
    ready.set()
    while True:
        q, who = s.recvfrom(4096)
        if len(q) > 12:
            s.sendto(answer(q), who)


def tcp_client(c):
    with c:
        try:
            n = struct.unpack(">H", c.recv(2))[0]
            q = c.recv(n)
            a = answer(q)
            c.sendall(struct.pack(">H", len(a)) + a)
        except (OSError, struct.error):
            pass


ready = threading.Event()
threading.Thread(target=udp, daemon=True).start()
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.1", 53))
t.listen(16)
ready.wait()
open(log_path, "a").close()
print("ready", flush=True)
while True:
    c, _ = t.accept()
    threading.Thread(target=tcp_client, args=(c,), daemon=True).start()
