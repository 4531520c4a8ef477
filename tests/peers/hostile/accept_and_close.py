#!/usr/bin/env python3
"""Hostile TCP peer: listens on one port on many loopback addresses (127.0.0.1, 127.0.0.2, ...) and closes every
connection the moment it is accepted. A scanner with a short timeout then sees connects finish at the very moment its
expiry sweep aborts them (issue 10, item 3).

usage: accept_and_close.py PORT COUNT   (binds 127.0.0.1 .. the COUNT-th loopback address; prints 'ready' when listening)
"""
import ipaddress
import selectors
import socket
import sys

port, count = int(sys.argv[1]), int(sys.argv[2])
first = ipaddress.IPv4Address("127.0.0.1")
sel = selectors.DefaultSelector()
sockets = []
for i in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((str(first + i), port))
    s.setblocking(False)
    sockets.append(s)
# 127.0.0.1 listens last: whoever waits for it to accept knows every address is ready.
for s in reversed(sockets):
    s.listen(1024)
    sel.register(s, selectors.EVENT_READ)
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        while True:
            try:
                conn, _ = key.fileobj.accept()
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                break
            conn.close()
