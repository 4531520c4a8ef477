#!/usr/bin/env python3
"""A lying XML-RPC server for Invoke-XmlRpc: answers some methods with XML nested 400,000 deep.

usage: xmlrpc_deep_answer_server.py PORT
  deepstring  -> <string> holding <a> nested 400,000 deep (mixed content, 2.8 MB)
  deeparray   -> <array><data><value> nested 400,000 deep (valid-looking XML-RPC, too deep)
  deepfault   -> a fault whose faultString holds <a> nested 400,000 deep
  anything else -> the string "ok", so a test can check the client still answers the next call
Loopback only.
"""
import http.server
import re
import sys

DEPTH = 400_000


def deep_string():
    return ("<?xml version='1.0'?><methodResponse><params><param><value><string>"
            + "<a>" * DEPTH + "</a>" * DEPTH
            + "</string></value></param></params></methodResponse>")


def deep_array():
    return ("<?xml version='1.0'?><methodResponse><params><param>"
            + "<value><array><data>" * DEPTH + "</data></array></value>" * DEPTH
            + "</param></params></methodResponse>")


def deep_fault():
    return ("<?xml version='1.0'?><methodResponse><fault><value><struct>"
            "<member><name>faultCode</name><value><int>1</int></value></member>"
            "<member><name>faultString</name><value><string>" + "<a>" * DEPTH + "</a>" * DEPTH
            + "</string></value></member></struct></value></fault></methodResponse>")


def ok():
    return ("<?xml version='1.0'?><methodResponse><params><param><value><string>ok</string>"
            "</value></param></params></methodResponse>")


ANSWERS = {"deepstring": deep_string, "deeparray": deep_array, "deepfault": deep_fault}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8", "replace")
        match = re.search(r"<methodName>\s*([^<\s]*)\s*</methodName>", body)
        answer = ANSWERS.get(match.group(1) if match else "", ok)().encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
