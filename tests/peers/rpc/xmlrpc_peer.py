#!/usr/bin/env python3
"""Python stdlib XML-RPC peer: /RPC2 and /, introspection, multicall, faults, nil allowed. Usage: xmlrpc_peer.py PORT"""
import sys
from xmlrpc.server import SimpleXMLRPCServer, SimpleXMLRPCRequestHandler


class Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/RPC2", "/")

    def log_message(self, *args):
        pass


def divide(x, y):
    if y == 0:
        raise ValueError("除数不能为零")
    return x / y


server = SimpleXMLRPCServer(("127.0.0.1", int(sys.argv[1])), requestHandler=Handler, allow_none=True, use_builtin_types=True, logRequests=False)
server.register_introspection_functions()
server.register_multicall_functions()
server.register_function(lambda x, y: x + y, "add")
server.register_function(divide, "divide")
server.register_function(lambda v: v, "echo")
print("ready", flush=True)
server.serve_forever()
