#!/usr/bin/env python3
"""A lying web server for the HTTP client tests (Test-HttpEndpoint, Invoke-Scrape, Invoke-Crawl), loopback only.

Usage: lying_http_server.py [--tls=ADDRESS:PORT --cert=FILE --key=FILE] ADDRESS:PORT [ADDRESS:PORT ...]
(every address must be in 127.0.0.0/8; the --tls listener speaks https with the given certificate)
Every listener serves the same routes and records the headers of every request it gets, so one process plays both the
hostile server on 127.0.0.1 and the recorder on 127.0.0.2 (or on another port of 127.0.0.1):

  /redirect?to=URL[&status=302]  redirects anywhere the test says (another host or port, file:, ftp:)
  /loop                          redirects to itself, forever
  /robots.txt                    redirects to the --robots-to=URL given at start; without it, 404
  /links?n=N[&prefix=P]          an HTML page of N unique links P0 .. P(N-1) (default prefix /p/x-)
  /p/...                         every page under /p/ is itself a page of --links-per-page=N unique links (1000)
  /deep?n=N                      N nested <div> elements, never closed
  /big?n=N                       N bytes of HTML
  /page                          a small HTML page
  /cut                           promises 100000 bytes of HTML, sends 10 and closes the connection
  /busy?key=K&fail=N[&status=503][&after=V]
                                 the first N requests with key K get the status (503) and Retry-After: V, where V is
                                 seconds, or date+S for an HTTP-date S seconds from now; later ones get a small page
  /_seen                         JSON: [{"listener": "127.0.0.2:8081", "path": ..., "headers": {...}}] of every request
"""
import json
import ssl
import time
from email.utils import formatdate
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from urllib.parse import parse_qs, urlsplit

SEEN = []
SEEN_LOCK = threading.Lock()
OPTIONS = {"robots_to": None, "links_per_page": 1000}
BUSY = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.do_GET()

    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        listener = "%s:%d" % self.server.server_address[:2]
        if url.path != "/_seen":
            with SEEN_LOCK:
                SEEN.append({"listener": listener, "path": self.path, "method": self.command, "headers": dict(self.headers.items()), "time": time.time()})
        if url.path == "/_seen":
            with SEEN_LOCK:
                return self.send(200, json.dumps(SEEN).encode(), "application/json")
        if url.path == "/redirect":
            return self.redirect(query["to"][0], int(query.get("status", ["302"])[0]))
        if url.path == "/loop":
            return self.redirect("/loop", 302)
        if url.path == "/robots.txt":
            if OPTIONS["robots_to"]:
                return self.redirect(OPTIONS["robots_to"], 302)
            return self.send(404, b"no robots here", "text/plain")
        if url.path == "/links":
            n = int(query["n"][0])
            prefix = query.get("prefix", ["/p/x-"])[0]
            return self.send(200, links_page(prefix, n), "text/html; charset=utf-8")
        if url.path.startswith("/p/"):
            return self.send(200, links_page(url.path + "-", OPTIONS["links_per_page"]), "text/html; charset=utf-8")
        if url.path == "/deep":
            n = int(query["n"][0])
            return self.send(200, b"<!DOCTYPE html><html><head><title>deep</title></head><body>" + b"<div>" * n + b"bottom", "text/html")
        if url.path == "/big":
            n = int(query["n"][0])
            head = b"<!DOCTYPE html><html><head><title>big</title></head><body><p>"
            return self.send(200, head + b"x" * max(0, n - len(head)), "text/html")
        if url.path == "/cut":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html><bo")
            self.wfile.flush()
            self.close_connection = True
            return
        if url.path == "/busy":
            key = query["key"][0]
            with SEEN_LOCK:
                BUSY[key] = BUSY.get(key, 0) + 1
                count = BUSY[key]
            if count <= int(query["fail"][0]):
                after = query.get("after", [None])[0]
                self.send_response(int(query.get("status", ["503"])[0]))
                if after is not None:
                    if after.startswith("date+"):
                        after = formatdate(time.time() + float(after[5:]), usegmt=True)
                    self.send_header("Retry-After", after)
                self.send_header("Content-Length", "4")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(b"busy")
                return
        if url.path in ("/page", "/busy"):
            return self.send(200, b"<!DOCTYPE html><html><head><title>landed</title></head><body><h1>landed</h1></body></html>", "text/html")
        return self.send(404, b"not found", "text/plain")

    def redirect(self, location, status):
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def links_page(prefix, n):
    parts = [b"<!DOCTYPE html><html><head><title>links</title></head><body>"]
    p = prefix.encode()
    parts.extend(b'<a href="' + p + str(i).encode() + b'">l</a>\n' for i in range(n))
    parts.append(b"</body></html>")
    return b"".join(parts)


def loopback_server(host, port):
    if not ip_address(host).is_loopback:
        sys.exit("lying_http_server.py listens on loopback only, not " + host)
    server = ThreadingHTTPServer((host, int(port)), Handler)
    server.daemon_threads = True
    return server


def main(argv):
    listeners = []
    tls = {}
    for arg in argv:
        if arg.startswith(("--tls=", "--cert=", "--key=")):
            name, value = arg[2:].split("=", 1)
            tls[name] = value
            continue
        if arg.startswith("--robots-to="):
            OPTIONS["robots_to"] = arg.split("=", 1)[1]
            continue
        if arg.startswith("--links-per-page="):
            OPTIONS["links_per_page"] = int(arg.split("=", 1)[1])
            continue
        listeners.append(loopback_server(*arg.rsplit(":", 1)))
    if "tls" in tls:
        server = loopback_server(*tls["tls"].rsplit(":", 1))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls["cert"], tls["key"])
        server.socket = context.wrap_socket(server.socket, server_side=True)
        listeners.insert(0, server)
    if not listeners:
        sys.exit(__doc__)
    for server in listeners[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("listening", flush=True)
    listeners[0].serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
