#!/usr/bin/env python3
"""Hostile TCP peer: listens on 127.0.0.1:PORT with a backlog of one and never accepts. Once the queue is full the
kernel drops every further SYN, so a scanner's connects to it stay in flight until its timeout, each holding a socket:
a scan with many connects at once then needs as many descriptors (issue 10: a process out of descriptors is aborted).

usage: never_accept.py PORT   (prints 'ready' when listening; loopback only)
"""
import socket
import sys
import time

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
print("ready", flush=True)
while True:
    time.sleep(3600)
