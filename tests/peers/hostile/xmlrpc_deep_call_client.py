#!/usr/bin/env python3
"""A lying XML-RPC client for Start-XmlRpcServer: sends calls nested 400,000 deep, then one honest call.

usage: xmlrpc_deep_call_client.py PORT [PATH]
Prints one line per hostile request ("<name> <status> <fault code or ->") and then "next <result>" for the
honest echo call, so a test sees both that each hostile call was refused and that the server still answers.
Loopback only.
"""
import http.client
import re
import sys
import xmlrpc.client

PORT = int(sys.argv[1])
PATH = sys.argv[2] if len(sys.argv) > 2 else "/RPC2"
DEPTH = 400_000

HOSTILE = {
    # The request: <methodName> holds <a> nested 400,000 deep (2.8 MB).
    "deepname": "<?xml version='1.0'?><methodCall><methodName>" + "<a>" * DEPTH + "</a>" * DEPTH
                + "</methodName><params/></methodCall>",
    # A known method with a <string> parameter holding the same.
    "deepstring": "<?xml version='1.0'?><methodCall><methodName>echo</methodName><params><param><value><string>"
                  + "<a>" * DEPTH + "</a>" * DEPTH + "</string></value></param></params></methodCall>",
    # Well-formed XML-RPC arrays nested 200,000 deep (8.6 MB, under the server's 10 MB body cap).
    "deeparray": "<?xml version='1.0'?><methodCall><methodName>echo</methodName><params><param>"
                 + "<value><array><data>" * (DEPTH // 2) + "</data></array></value>" * (DEPTH // 2)
                 + "</param></params></methodCall>",
}

for name, body in HOSTILE.items():
    try:
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        c.request("POST", PATH, body.encode(), {"Content-Type": "text/xml"})
        r = c.getresponse()
        text = r.read().decode("utf-8", "replace")
        code = re.search(r"<name>faultCode</name>\s*<value>\s*<(?:int|i4)>(-?\d+)<", text)
        message = re.search(r"<name>faultString</name>\s*<value>\s*<string>([^<]*)<", text)
        print(name, r.status, code.group(1) if code else "-", message.group(1) if message else "-", flush=True)
        c.close()
    except Exception as e:  # the server died or hung up: say so, the test decides
        print(name, "error", type(e).__name__, e, flush=True)

try:
    p = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{PORT}{PATH}")
    print("next", p.echo("still here"), flush=True)
except Exception as e:
    print("next error", type(e).__name__, e, flush=True)
