#!/usr/bin/env python3
"""Hostile TLS peer: completes every TLS handshake (ALPN h2, no client certificate asked) and closes the connection
at once, without a byte of HTTP/2. A gRPC client then fails after its handshake, as against a server that wants a
client certificate; the client must not call this one a mutual-TLS server.

usage: tls_handshake_then_close.py PORT CERT KEY
"""
import socket
import ssl
import sys
import threading

port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
context.set_alpn_protocols(["h2"])
listener = socket.create_server(("127.0.0.1", port), reuse_port=False)


def serve(conn):
    try:
        with context.wrap_socket(conn, server_side=True) as tls:
            tls.do_handshake()
    except (OSError, ssl.SSLError):
        pass


while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
