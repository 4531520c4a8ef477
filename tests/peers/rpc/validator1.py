#!/usr/bin/env python3
"""UserLand's XML-RPC validator1 (the 8 methods of xmlrpc.com's validator suite), with CPython as the reference.

  validator1.py server PORT            the 8 methods in SimpleXMLRPCServer on 127.0.0.1:PORT (/ and /RPC2)
  validator1.py client URL SEED N      N random calls of each method against URL, checked here; prints one line per
                                       method, "method passed/total", then "total passed/total"; exit 0 when all pass

Random inputs come from random.Random(SEED), with the edge values the module got wrong once mixed in: whitespace-only
strings, markup characters, non-ASCII text, a struct member named '', 32-bit limits. No carriage returns: CPython's
client writes them raw, and every XML parser (expat in CPython's own server too) reads a raw CR as LF, so CPython
cannot send one (validator1.ps1 sends them the other way, where the module writes &#13;).
"""
import base64
import datetime
import random
import sys
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

EDGE_STRINGS = [" ", "\t\n", "\n\n", "", "<&>'\"", "张三 😀", "x" * 1000, "  lead and trail  "]
EDGE_INTS = [0, 1, -1, 2147483647, -2147483648]


def array_of_structs_test(items):
    return sum(s["curly"] for s in items)


def count_the_entities(text):
    return {
        "ctLeftAngleBrackets": text.count("<"),
        "ctRightAngleBrackets": text.count(">"),
        "ctAmpersands": text.count("&"),
        "ctApostrophes": text.count("'"),
        "ctQuotes": text.count('"'),
    }


def easy_struct_test(s):
    return s["moe"] + s["larry"] + s["curly"]


def echo_struct_test(s):
    return s


def many_types_test(number, boolean, string, double, date, data):
    return [number, boolean, string, double, date, data]


def moderate_size_array_check(items):
    return items[0] + items[-1]


def nested_struct_test(calendar):
    day = calendar["2000"]["04"]["01"]
    return day["moe"] + day["larry"] + day["curly"]


def simple_struct_return_test(n):
    return {"times10": n * 10, "times100": n * 100, "times1000": n * 1000}


METHODS = {
    "validator1.arrayOfStructsTest": array_of_structs_test,
    "validator1.countTheEntities": count_the_entities,
    "validator1.easyStructTest": easy_struct_test,
    "validator1.echoStructTest": echo_struct_test,
    "validator1.manyTypesTest": many_types_test,
    "validator1.moderateSizeArrayCheck": moderate_size_array_check,
    "validator1.nestedStructTest": nested_struct_test,
    "validator1.simpleStructReturnTest": simple_struct_return_test,
}


def small_int(r):
    # Sums of three stay inside i4 (validator1 is an i4 suite).
    return r.choice(EDGE_INTS[:3]) if r.random() < 0.2 else r.randint(-100000, 100000)


def text(r):
    if r.random() < 0.3:
        return r.choice(EDGE_STRINGS)
    alphabet = "abc xyz<>&'\"\n\t中文é"
    return "".join(r.choice(alphabet) for _ in range(r.randint(0, 40)))


def stooges(r):
    return {"moe": small_int(r), "larry": small_int(r), "curly": small_int(r)}


def arguments(method, r):
    if method == "validator1.arrayOfStructsTest":
        return ([stooges(r) for _ in range(r.randint(0, 20))],)
    if method == "validator1.countTheEntities":
        return (text(r),)
    if method in ("validator1.easyStructTest",):
        return (stooges(r),)
    if method == "validator1.echoStructTest":
        s = {"substruct%d" % i: stooges(r) for i in range(r.randint(0, 5))}
        s["text"] = text(r)
        if r.random() < 0.3:
            s[""] = "empty member name"
        s["list"] = [small_int(r), text(r), r.random() < 0.5]
        return (s,)
    if method == "validator1.manyTypesTest":
        when = datetime.datetime(r.randint(1900, 2100), r.randint(1, 12), r.randint(1, 28), r.randint(0, 23), r.randint(0, 59), r.randint(0, 59))
        return (r.choice(EDGE_INTS) if r.random() < 0.3 else r.randint(-2**31, 2**31 - 1), r.random() < 0.5, text(r),
                r.choice([0.0, -0.5, 1e-300, 1.7976931348623157e308, r.uniform(-1e6, 1e6)]), when,
                bytes(r.getrandbits(8) for _ in range(r.randint(0, 64))))
    if method == "validator1.moderateSizeArrayCheck":
        return ([text(r) for _ in range(r.randint(100, 200))],)
    if method == "validator1.nestedStructTest":
        calendar = {}
        for year in ("1999", "2000", "2001"):
            calendar[year] = {"%02d" % m: {"%02d" % d: stooges(r) for d in range(1, r.randint(2, 5))} for m in range(1, 13)}
        calendar["2000"]["04"]["01"] = stooges(r)
        return (calendar,)
    if method == "validator1.simpleStructReturnTest":
        return (r.randint(-2147483, 2147483),)
    raise ValueError(method)


def normalize(value):
    if isinstance(value, bytes):
        return ("bytes", value)
    if isinstance(value, (xmlrpc.client.Binary,)):
        return ("bytes", value.data)
    if isinstance(value, xmlrpc.client.DateTime):
        return ("date", value.value)
    if isinstance(value, datetime.datetime):
        return ("date", value.strftime("%Y%m%dT%H:%M:%S"))
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value]
    return value


def client(url, seed, rounds):
    r = random.Random(seed)
    proxy = xmlrpc.client.ServerProxy(url, use_builtin_types=True)
    passed_all = total_all = 0
    for method, implementation in METHODS.items():
        passed = 0
        for _ in range(rounds):
            args = arguments(method, r)
            expected = normalize(implementation(*args))
            try:
                actual = normalize(getattr(proxy, method)(*args))
            except Exception as e:  # a fault or a transport error is a failed case
                actual = ("error", str(e))
            if actual == expected:
                passed += 1
            elif passed_all + total_all < 10_000:
                print("MISMATCH", method, repr(args)[:300], "expected", repr(expected)[:300], "got", repr(actual)[:300], file=sys.stderr)
        print(method, "%d/%d" % (passed, rounds), flush=True)
        passed_all += passed
        total_all += rounds
    print("total", "%d/%d" % (passed_all, total_all), flush=True)
    return 0 if passed_all == total_all else 1


class Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/RPC2", "/")

    def log_message(self, *args):
        pass


def server(port):
    s = SimpleXMLRPCServer(("127.0.0.1", port), requestHandler=Handler, use_builtin_types=True, logRequests=False)
    for name, function in METHODS.items():
        s.register_function(function, name)
    print("ready", flush=True)
    s.serve_forever()


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]))
    else:
        sys.exit(client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
