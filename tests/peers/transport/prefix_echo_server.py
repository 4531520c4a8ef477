#!/usr/bin/env python3
"""The seed's non-blocking select() echo server (non_blocking_server), as a test peer for Test-TcpEcho.

Like the seed's, it answers every recv(1024) with the prefix + what that recv returned, so a message longer than one
read comes back as several prefixed pieces ("服务器回应: abc...服务器回应: ...def"). Two departures, both so that the
echo is whole: it keeps bytes as bytes (the seed decodes each 1024-byte chunk as UTF-8, which fails when a chunk ends
inside a character), and it keeps what send() could not take yet for the next writable turn (the seed's queue of
strings sends each with one send(), dropping what did not fit).

Usage: prefix_echo_server.py PORT [PREFIX] [HOST]   (defaults: prefix '服务器回应: ', host 127.0.0.1)
"""
import select
import socket
import sys


def serve(host, port, prefix):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setblocking(False)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, port))
    server.listen(5)
    inputs = [server]
    outputs = []
    pending = {}
    while inputs:
        readable, writable, exceptional = select.select(inputs, outputs, inputs)
        for s in readable:
            if s is server:
                connection, _ = s.accept()
                connection.setblocking(False)
                inputs.append(connection)
                pending[connection] = bytearray()
                continue
            try:
                data = s.recv(1024)
            except OSError:
                data = b""
            if data:
                pending[s] += prefix + data
                if s not in outputs:
                    outputs.append(s)
            else:
                close(s, inputs, outputs, pending)
        for s in writable:
            if s not in pending:
                continue
            try:
                sent = s.send(pending[s])
                del pending[s][:sent]
            except OSError:
                close(s, inputs, outputs, pending)
                continue
            if not pending[s]:
                outputs.remove(s)
        for s in exceptional:
            if s in pending:
                close(s, inputs, outputs, pending)


def close(s, inputs, outputs, pending):
    if s in outputs:
        outputs.remove(s)
    if s in inputs:
        inputs.remove(s)
    pending.pop(s, None)
    s.close()


if __name__ == "__main__":
    port = int(sys.argv[1])
    prefix = (sys.argv[2] if len(sys.argv) > 2 else "服务器回应: ").encode("utf-8")
    host = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
    try:
        serve(host, port, prefix)
    except KeyboardInterrupt:
        pass
