#!/usr/bin/env python3
"""Hostile TLS peer: a TLS 1.3 server that wants a client certificate, sends its certificate_required alert to a
client without one and then resets the connection (SO_LINGER 0) instead of closing it. That is what a loaded mutual-TLS
server looks like when its close overtakes the client's first read: the client sees a reset or a broken pipe, and must
still say that a client certificate is wanted.

usage: tls_alert_then_reset.py PORT CERT KEY [CA]   (CA: whose clients it would accept; CERT when not given)
"""
import socket
import ssl
import struct
import sys
import threading

port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ca = sys.argv[4] if len(sys.argv) > 4 else cert
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.minimum_version = ssl.TLSVersion.TLSv1_3
context.load_cert_chain(cert, key)
context.load_verify_locations(ca)
context.verify_mode = ssl.CERT_REQUIRED
context.set_alpn_protocols(["h2"])
listener = socket.create_server(("127.0.0.1", port), reuse_port=False)


def serve(conn):
    tls = context.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
    try:
        tls.do_handshake()
    except (OSError, ssl.SSLError):
        # The alert is on its way; the reset follows it at once.
        tls.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    tls.close()


while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
