#!/usr/bin/env python3
"""Autobahn|Testsuite's cases 1-7 (framing, pings, reserved bits and opcodes, fragmentation, UTF-8, closing) with
hand-made frames, judged by Autobahn's rules. Autobahn itself needs Python 2; this is Python 3 stdlib only.

  ws_cases.py client PORT [PREFIX...]   the tester as a client, one connection per case to ws://127.0.0.1:PORT/
                                       (the server under test echoes every message)
  ws_cases.py server PORT              the tester as a server on 127.0.0.1:PORT, as Autobahn's fuzzingserver: the
                                       client under test reads /getCaseCount (one text message), connects to
                                       /runCase?case=N for N = 1..count and echoes every message, then connects to
                                       /updateReports, which prints the summary and ends this process

Each case prints "case <id> <behavior> <close behavior> <received events>"; then "group <n> OK=.. NON-STRICT=.. FAILED=..
INFORMATIONAL=.." for groups 1-7 and a "total" line. Rules (Autobahn's case.py): the behavior is the first expected
event list (OK, then NON-STRICT) that equals what was received, else FAILED; a case whose expected closing code
was not met in 7.x, or a UTF-8 case in which the tester had to close (the peer never noticed), is FAILED. The close
behavior (who closed, clean, code) is reported apart, as Autobahn does.
"""
import base64
import hashlib
import os
import socket
import struct
import sys
import threading
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OK, NON_STRICT, FAILED, INFORMATIONAL = "OK", "NON-STRICT", "FAILED", "INFORMATIONAL"
NORMAL, GOING_AWAY, PROTOCOL_ERROR, INVALID_PAYLOAD = 1000, 1001, 1002, 1007
# The tester's patience: a close handshake or a server's TCP drop that takes longer is unclean (Autobahn: 1 s each).
HANDSHAKE_WAIT = 1.0
# Autobahn's killAfter and continueLater timers, stretched by WS_CASES_PATIENCE on a loaded machine: a peer that
# answers ends the case before its timer, so only a peer that stays silent waits longer; the verdicts are the same.
PATIENCE = float(os.environ.get("WS_CASES_PATIENCE", "1"))


def frame(opcode, payload, mask, fin=True, rsv=0):
    """One frame as it goes on the wire (tests/peers/hostile/ws_rfc.py sends its frames with this too)."""
    head = bytes([(0x80 if fin else 0) | (rsv << 4) | opcode])
    n = len(payload)
    bit = 0x80 if mask else 0
    if n < 126:
        head += bytes([bit | n])
    elif n < 65536:
        head += bytes([bit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def valid_close_code(code):
    return code in (1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014) or 3000 <= code <= 4999


class Tester:
    """One WebSocket connection of the tester, with Autobahn's bookkeeping (closedByMe, droppedByMe, wasClean...)."""

    def __init__(self, sock, is_server):
        self.sock = sock
        self.is_server = is_server
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.state = "open"
        self.closed_by_me = False
        self.failed_by_me = False
        self.dropped_by_me = False
        self.was_clean = False
        self.remote_code = None
        self.received = []
        self.expected = {}
        self.expected_close = {}
        self.suppress_close = False
        self.closed = threading.Event()
        self.lock = threading.RLock()
        self.send_lock = threading.Lock()
        self.reader = threading.Thread(target=self._read_loop, daemon=True)

    # --- sending -----------------------------------------------------------------------------------------------
    def encode(self, opcode, payload=b"", fin=True, rsv=0, mask=None):
        return frame(opcode, payload, (not self.is_server) if mask is None else mask, fin, rsv)

    def raw(self, data, chop=None):
        step = chop or len(data) or 1
        try:
            for i in range(0, max(len(data), 1), step):
                with self.send_lock:
                    self.sock.sendall(data[i:i + step])
                if chop:
                    time.sleep(0.0005)
        except OSError:
            pass

    def frame(self, opcode, payload=b"", fin=True, rsv=0, chop=None, sync=False):
        self.raw(self.encode(opcode, payload, fin, rsv), chop)
        if sync:
            time.sleep(0.01)

    def message(self, payload, binary=False, fragment=None):
        opcode = 2 if binary else 1
        if not fragment or len(payload) <= fragment:
            self.frame(opcode, payload)
            return
        pieces = [payload[i:i + fragment] for i in range(0, len(payload), fragment)]
        for i, piece in enumerate(pieces):
            self.frame(opcode if i == 0 else 0, piece, fin=i == len(pieces) - 1)

    def close_frame(self, code=None, reason=b"", reply=False):
        """Autobahn's sendCloseFrame: any payload, also an invalid one; the tester is closing from now on."""
        with self.lock:
            if self.state != "open":
                return
            self.state = "closing"
            self.closed_by_me = not reply
        payload = b"" if code is None else struct.pack("!H", code) + reason
        self.frame(8, payload)
        if not reply:
            threading.Thread(target=self._close_timeout, daemon=True).start()

    def close(self, code=NORMAL):
        self.close_frame(code)

    def fail(self, code, reason=b""):
        with self.lock:
            self.failed_by_me = True
            opened = self.state == "open"
        if opened:
            self.close_frame(code, reason)
        else:
            self.drop()

    def drop(self):
        with self.lock:
            if self.state == "closed":
                return
            self.dropped_by_me = True
        self._shut()

    def _shut(self):
        with self.lock:
            self.state = "closed"
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.closed.set()

    def _close_timeout(self):
        if not self.closed.wait(HANDSHAKE_WAIT):
            with self.lock:
                self.was_clean = False
            self.drop()

    # --- timers (Autobahn's continueLater, killAfter, closeAfter), run in the case's thread ---------------------
    def later(self, seconds):
        """Waits; True when the connection is still open (a continueLater that may go on). Stretched by PATIENCE as
        killAfter is: a peer that fails the connection ends the wait at once, and a loaded CI machine once took more
        than Autobahn's 1 s to fail 6.4.3 after its invalid part, which read as never failing."""
        self.closed.wait(seconds * PATIENCE)
        return self.state == "open"

    def kill_after(self, seconds):
        if not self.closed.wait(seconds * PATIENCE):
            self.fail(GOING_AWAY, b"going away")

    def close_after(self, seconds):
        if not self.closed.wait(seconds) and self.state == "open":
            self.close(NORMAL)

    def mark(self, tag):
        with self.lock:
            self.received.append(("timeout", tag))

    # --- receiving ---------------------------------------------------------------------------------------------
    def _recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def _read_loop(self):
        message, message_op = None, 0
        try:
            while True:
                b0, b1 = self._recv_exact(2)
                fin, rsv, opcode, masked, n = b0 & 0x80, (b0 >> 4) & 7, b0 & 0x0F, b1 & 0x80, b1 & 0x7F
                if n == 126:
                    n = struct.unpack("!H", self._recv_exact(2))[0]
                elif n == 127:
                    n = struct.unpack("!Q", self._recv_exact(8))[0]
                key = self._recv_exact(4) if masked else None
                payload = self._recv_exact(n)
                if key:
                    payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
                if self.state == "closed":
                    return
                # The peer under test must follow the protocol too; a violation fails the connection from here.
                if rsv or opcode in (3, 4, 5, 6, 7) or opcode > 10 or bool(masked) != self.is_server:
                    self.fail(PROTOCOL_ERROR)
                    continue
                if opcode >= 8:
                    if n > 125 or not fin:
                        self.fail(PROTOCOL_ERROR)
                    elif opcode == 8:
                        self._on_close(payload)
                    elif opcode == 9:
                        self._event(("ping", payload))
                        if self.state == "open":
                            self.frame(10, payload)
                    else:
                        self._event(("pong", payload))
                    continue
                if (opcode == 0) == (message is None):
                    self.fail(PROTOCOL_ERROR)
                    continue
                if opcode:
                    message, message_op = b"", opcode
                message += payload
                if fin:
                    data, binary = message, message_op == 2
                    message = None
                    if not binary:
                        try:
                            data.decode("utf-8")
                        except UnicodeDecodeError:
                            self.fail(INVALID_PAYLOAD)
                            continue
                    self._event(("message", data, binary))
        except (EOFError, OSError):
            pass
        finally:
            if self.state != "closed":
                self._shut()

    def _on_close(self, payload):
        code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
        with self.lock:
            self.remote_code = code
            state = self.state
        if state == "closing":
            with self.lock:
                self.was_clean = True
        else:
            with self.lock:
                self.was_clean = True
            self.close_frame(NORMAL if code is None or not valid_close_code(code) else code, reply=True)
        if self.is_server:
            # A server drops the TCP connection after the close handshake (RFC 6455 §7.1.1).
            self.drop()
        else:
            threading.Thread(target=self._server_drop_timeout, daemon=True).start()

    def _server_drop_timeout(self):
        if not self.closed.wait(HANDSHAKE_WAIT):
            with self.lock:
                self.was_clean = False
            self.drop()

    def _event(self, event):
        with self.lock:
            self.received.append(event)
            # Autobahn's finishWhenDone: close only when every expected list matches what came.
            if self.expected and all(self.received == v for v in self.expected.values()):
                if self.expected_close.get("by_me") and not self.suppress_close and self.state == "open":
                    threading.Thread(target=self.close, args=(self.expected_close["codes"][0],), daemon=True).start()

    # --- the verdict ---------------------------------------------------------------------------------------------
    def judge(self, kind):
        behavior = FAILED
        for name in (OK, NON_STRICT):
            if name in self.expected and self.received == self.expected[name]:
                behavior = name
                break
        ec = self.expected_close
        if ec["by_me"] != self.closed_by_me:
            close = "FAILED(wrong endpoint closed)"
        elif ec.get("clean") and not self.was_clean:
            close = "UNCLEAN"
        elif self.remote_code is not None and self.remote_code not in ec["codes"]:
            close = "WRONG-CODE"
        elif not self.is_server and self.dropped_by_me:
            close = "FAILED-BY-CLIENT"
        else:
            close = "OK"
        if ec.get("wrong_endpoint_fatal") and ec["by_me"] != self.closed_by_me:
            behavior = FAILED
        if kind == "close-code" and close == "WRONG-CODE":
            behavior = FAILED
        if kind == "informational":
            behavior, close = INFORMATIONAL, INFORMATIONAL
        return behavior, close


def expect(t, ok, non_strict=None, by_me=True, codes=(NORMAL,), clean=True, fatal=False):
    with t.lock:
        t.expected = {OK: ok} if non_strict is None else {OK: ok, NON_STRICT: non_strict}
        t.expected_close = {"by_me": by_me, "codes": list(codes), "clean": clean, "wrong_endpoint_fatal": fatal}


def fails(t, codes=(PROTOCOL_ERROR,), ok=(), non_strict=None):
    expect(t, list(ok), non_strict, by_me=False, codes=codes, clean=False)


# --- the cases ---------------------------------------------------------------------------------------------------
CASES = []


def case(cid, kind="plain"):
    def register(fn):
        CASES.append((cid, fn, kind))
        return fn
    return register


def echo_case(cid, payload, binary, chop=None):
    @case(cid)
    def run(t):
        expect(t, [("message", payload, binary)])
        t.raw(t.encode(2 if binary else 1, payload), chop)
        t.kill_after(2 if len(payload) > 1000 else 1)


for i, n in enumerate([0, 125, 126, 127, 128, 65535, 65536], 1):
    echo_case(f"1.1.{i}", b"*" * n, False)
    echo_case(f"1.2.{i}", b"\xfe" * n, True)
echo_case("1.1.8", b"*" * 65536, False, chop=997)
echo_case("1.2.8", b"\xfe" * 65536, True, chop=997)


def ping_case(cid, payload, chop=None):
    @case(cid)
    def run(t):
        expect(t, [("pong", payload)])
        t.raw(t.encode(9, payload), chop)
        t.kill_after(1)


ping_case("2.1", b"")
ping_case("2.2", b"Hello, world!")
ping_case("2.3", b"\x00\xff\xfe\xfd\xfc\xfb\x00\xff")
ping_case("2.4", b"\xfe" * 125)


@case("2.5")
def c2_5(t):
    fails(t)
    t.frame(9, b"\xfe" * 126)
    t.kill_after(1)


ping_case("2.6", b"\xfe" * 125, chop=1)


@case("2.7")
def c2_7(t):
    expect(t, [])
    t.frame(10)
    t.close_after(1)


@case("2.8")
def c2_8(t):
    expect(t, [])
    t.frame(10, b"unsolicited pong payload")
    t.close_after(1)


@case("2.9")
def c2_9(t):
    expect(t, [("pong", b"ping payload")])
    t.frame(10, b"unsolicited pong payload")
    t.frame(9, b"ping payload")
    t.close_after(1)


for cid, chop in (("2.10", None), ("2.11", 1)):
    def ten_pings(t, chop=chop):
        payloads = [b"payload-%d" % i for i in range(10)]
        expect(t, [("pong", p) for p in payloads])
        for p in payloads:
            t.raw(t.encode(9, p), chop)
        t.close_after(3)
    case(cid)(ten_pings)

HELLO = b"Hello, world!"


@case("3.1")
def c3_1(t):
    fails(t)
    t.frame(1, HELLO, rsv=1)
    t.kill_after(1)


def echo_then_bad(cid, bad, chop=None, sync=False):
    """A good text message, then a bad frame, then a ping: the echo comes, then the failure, and no pong (OK); a peer
    that fails before it echoed the first message is NON-STRICT (websockets gets this for 3.2, 4.1.3...)."""
    @case(cid)
    def run(t):
        fails(t, ok=[("message", HELLO, False)], non_strict=[])
        frames = [t.encode(1, HELLO), bad(t), t.encode(9)]
        for f in frames:
            t.raw(f, chop)
            if sync:
                time.sleep(0.01)
        t.kill_after(1)


echo_then_bad("3.2", lambda t: t.encode(1, HELLO, rsv=2))
echo_then_bad("3.3", lambda t: t.encode(1, HELLO, rsv=3), sync=True)
echo_then_bad("3.4", lambda t: t.encode(1, HELLO, rsv=4), chop=1)


@case("3.5")
def c3_5(t):
    fails(t)
    t.frame(2, b"\x00\xff\xfe\xfd\xfc\xfb\x00\xff", rsv=5)
    t.kill_after(1)


@case("3.6")
def c3_6(t):
    fails(t)
    t.frame(9, HELLO, rsv=6)
    t.kill_after(1)


@case("3.7")
def c3_7(t):
    fails(t)
    t.frame(8, struct.pack("!H", NORMAL), rsv=7)
    t.kill_after(1)


def reserved_alone(cid, opcode, payload):
    @case(cid)
    def run(t):
        fails(t)
        t.frame(opcode, payload)
        t.kill_after(1)


reserved_alone("4.1.1", 3, b"")
reserved_alone("4.1.2", 4, b"reserved opcode payload")
echo_then_bad("4.1.3", lambda t: t.encode(5, b""))
echo_then_bad("4.1.4", lambda t: t.encode(6, b"reserved opcode payload"))
echo_then_bad("4.1.5", lambda t: t.encode(7, b"reserved opcode payload"), chop=1)
reserved_alone("4.2.1", 11, b"")
reserved_alone("4.2.2", 12, b"reserved opcode payload")
echo_then_bad("4.2.3", lambda t: t.encode(13, b""))
echo_then_bad("4.2.4", lambda t: t.encode(14, b"reserved opcode payload"))
echo_then_bad("4.2.5", lambda t: t.encode(15, b"reserved opcode payload"), chop=1)


def frames_case(cid, frames, ok, failing, chop=None, sync=False, one_chop=False):
    """Frames given as (opcode, payload, fin); sent frame by frame, frame-wise (sync), octet-wise (chop 1) or all in
    one write."""
    @case(cid)
    def run(t):
        if failing:
            fails(t, ok=ok)
        else:
            expect(t, ok)
        encoded = [t.encode(op, p, fin) for op, p, fin in frames]
        if one_chop:
            t.raw(b"".join(encoded))
        for f in ([] if one_chop else encoded):
            t.raw(f, chop)
            if sync:
                time.sleep(0.01)
        t.kill_after(1)


F1, F2 = b"fragment1", b"fragment2"
frames_case("5.1", [(9, F1, False), (0, F2, True)], [], True)
frames_case("5.2", [(10, F1, False), (0, F2, True)], [], True)
TWO = [(1, F1, False), (0, F2, True)]
frames_case("5.3", TWO, [("message", F1 + F2, False)], False)
frames_case("5.4", TWO, [("message", F1 + F2, False)], False, sync=True)
frames_case("5.5", TWO, [("message", F1 + F2, False)], False, chop=1)
WITH_PING = [(1, F1, False), (9, b"ping payload", True), (0, F2, True)]
PONG_THEN_MESSAGE = [("pong", b"ping payload"), ("message", F1 + F2, False)]
frames_case("5.6", WITH_PING, PONG_THEN_MESSAGE, False)
frames_case("5.7", WITH_PING, PONG_THEN_MESSAGE, False, sync=True)
frames_case("5.8", WITH_PING, PONG_THEN_MESSAGE, False, chop=1)
NOTHING_TO_CONTINUE = [(0, b"non-continuation payload", True), (1, HELLO, True)]
frames_case("5.9", NOTHING_TO_CONTINUE, [], True)
frames_case("5.10", NOTHING_TO_CONTINUE, [], True, sync=True)
frames_case("5.11", NOTHING_TO_CONTINUE, [], True, chop=1)
NOTHING_TO_CONTINUE_NOT_FIN = [(0, b"non-continuation payload", False), (1, HELLO, True)]
frames_case("5.12", NOTHING_TO_CONTINUE_NOT_FIN, [], True)
frames_case("5.13", NOTHING_TO_CONTINUE_NOT_FIN, [], True, sync=True)
frames_case("5.14", NOTHING_TO_CONTINUE_NOT_FIN, [], True, chop=1)


@case("5.15")
def c5_15(t):
    fails(t, ok=[("message", F1 + F2, False)], non_strict=[])
    t.raw(b"".join([t.encode(1, F1, False), t.encode(0, F2, True), t.encode(0, b"fragment3", False), t.encode(1, b"fragment4", True)]))
    t.kill_after(1)


frames_case("5.16", [(0, F1, False), (1, F2, False), (0, b"fragment3", True)] * 2, [], True, one_chop=True)
frames_case("5.17", [(0, F1, True), (1, F2, False), (0, b"fragment3", True)] * 2, [], True, one_chop=True)
frames_case("5.18", [(1, F1, False), (1, F2, True)], [], True, one_chop=True)


def pings_inside(cid, sync):
    @case(cid)
    def run(t):
        fragments = [b"fragment%d" % i for i in range(1, 6)]
        pings = [b"pongme 1!", b"pongme 2!"]
        expect(t, [("pong", pings[0]), ("pong", pings[1]), ("message", b"".join(fragments), False)])
        pause = 0.01 if sync else 0
        for f in (t.encode(1, fragments[0], False), t.encode(0, fragments[1], False), t.encode(9, pings[0])):
            t.raw(f)
            time.sleep(pause)
        t.later(1)
        for f in (t.encode(0, fragments[2], False), t.encode(0, fragments[3], False), t.encode(9, pings[1]), t.encode(0, fragments[4], True)):
            t.raw(f)
            time.sleep(pause)
        t.close_after(1)


pings_inside("5.19", False)
pings_inside("5.20", True)

frames_case("6.1.1", [(1, b"", True)], [("message", b"", False)], False)
frames_case("6.1.2", [(1, b"", False), (0, b"", False), (0, b"", True)], [("message", b"", False)], False)
frames_case("6.1.3", [(1, b"", False), (0, b"middle frame payload", False), (0, b"", True)], [("message", b"middle frame payload", False)], False)
UTF8_TEXT = "Hello-µ@ßöäüàá-UTF-8!!".encode()
# "κόσμε" as Autobahn writes it (U+1F79 for the omicron: 11 bytes, the invalid byte of 6.4.2 is the 13th).
KOSME = b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"
frames_case("6.2.1", [(1, UTF8_TEXT, True)], [("message", UTF8_TEXT, False)], False)
frames_case("6.2.2", [(1, "Hello-µ@ßöä".encode(), False), (0, "üàá-UTF-8!!".encode(), True)], [("message", UTF8_TEXT, False)], False)


def octet_frames(payload):
    return [(1 if i == 0 else 0, payload[i:i + 1], i == len(payload) - 1) for i in range(len(payload))]


frames_case("6.2.3", octet_frames(UTF8_TEXT), [("message", UTF8_TEXT, False)], False)
frames_case("6.2.4", octet_frames(KOSME), [("message", KOSME, False)], False)
INVALID = KOSME + b"\xed\xa0\x80" + b"edited"


def invalid_utf8(cid, frames, wait=1.0):
    @case(cid)
    def run(t):
        expect(t, [], by_me=False, codes=(INVALID_PAYLOAD,), clean=False, fatal=True)
        for op, p, fin in frames:
            t.frame(op, p, fin)
        t.kill_after(wait)


invalid_utf8("6.3.1", [(1, INVALID, True)])
invalid_utf8("6.3.2", octet_frames(INVALID))

P1, P2, P3 = KOSME, b"\xf4\x90\x80\x80", b"edited"
WHOLE = P1 + P2 + P3


def fail_fast(cid, parts, one_frame):
    """6.4.x: three parts with a second between them; the second makes the text invalid. Failing at once after it is
    OK, failing only when the message ends is NON-STRICT, never failing is FAILED (the tester had to close)."""
    @case(cid)
    def run(t):
        expect(t, [("timeout", "A")], [("timeout", "A"), ("timeout", "B")], by_me=False, codes=(INVALID_PAYLOAD,), clean=False, fatal=True)
        if one_frame:
            head = t.encode(1, WHOLE)
            head_len = len(head) - len(WHOLE)
            sent = [head[:head_len + len(parts[0])], head[head_len + len(parts[0]):head_len + len(parts[0]) + len(parts[1])], head[head_len + len(parts[0]) + len(parts[1]):]]
        else:
            sent = [t.encode(1, parts[0], False), t.encode(0, parts[1], False), t.encode(0, parts[2], True)]
        t.raw(sent[0])
        if not t.later(1):
            return
        t.mark("A")
        t.raw(sent[1])
        if not t.later(1):
            return
        t.mark("B")
        t.raw(sent[2])
        t.kill_after(1)


fail_fast("6.4.1", (P1, P2, P3), False)
fail_fast("6.4.2", (WHOLE[:12], WHOLE[12:13], WHOLE[13:]), False)
fail_fast("6.4.3", (P1, P2, P3), True)
fail_fast("6.4.4", (WHOLE[:12], WHOLE[12:13], WHOLE[13:]), True)


def is_utf8(data):
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def utf8_groups():
    """The sequences of Markus Kuhn's UTF-8 decoder test, grouped as Autobahn's 6.5-6.23 (valid or not)."""
    groups = [
        [b"hello\x24world", b"hello\xc2\xa2world", b"hello\xe2\x82\xacworld", b"hello\xf0\xa4\xad\xa2world", KOSME],
        [KOSME[:i] for i in range(1, len(KOSME) + 1)],
        [b"\x00", b"\xc2\x80", b"\xe0\xa0\x80", b"\xf0\x90\x80\x80"],
        [b"\xf8\x88\x80\x80\x80", b"\xfc\x84\x80\x80\x80\x80"],
        [b"\x7f", b"\xdf\xbf", b"\xef\xbf\xbf", b"\xf4\x8f\xbf\xbf"],
        [b"\xf7\xbf\xbf\xbf", b"\xfb\xbf\xbf\xbf\xbf", b"\xfd\xbf\xbf\xbf\xbf\xbf"],
        [b"\xed\x9f\xbf", b"\xee\x80\x80", b"\xef\xbf\xbd", b"\xf4\x8f\xbf\xbf", b"\xf4\x90\x80\x80"],
        [b"\x80", b"\xbf", b"\x80\xbf", b"\x80\xbf\x80", b"\x80\xbf\x80\xbf", b"\x80\xbf\x80\xbf\x80", b"\x80\xbf\x80\xbf\x80\xbf",
         bytes(range(0x80, 0xbf))],
        [b"".join(bytes([c, 0x20]) for c in range(lo, hi)) for lo, hi in ((0xc0, 0xdf), (0xe0, 0xef), (0xf0, 0xf7), (0xf8, 0xfb), (0xfc, 0xfd))],
    ]
    missing_last = [b"\xc0", b"\xe0\x80", b"\xf0\x80\x80", b"\xf8\x80\x80\x80", b"\xfc\x80\x80\x80\x80",
                    b"\xdf", b"\xef\xbf", b"\xf7\xbf\xbf", b"\xfb\xbf\xbf\xbf", b"\xfd\xbf\xbf\xbf\xbf"]
    groups += [
        missing_last,
        [b"".join(missing_last)],
        [b"\xfe", b"\xff", b"\xfe\xfe\xff\xff"],
        [b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf0\x80\x80\xaf", b"\xf8\x80\x80\x80\xaf", b"\xfc\x80\x80\x80\x80\xaf"],
        [b"\xc1\xbf", b"\xe0\x9f\xbf", b"\xf0\x8f\xbf\xbf", b"\xf8\x87\xbf\xbf\xbf", b"\xfc\x83\xbf\xbf\xbf\xbf"],
        [b"\xc0\x80", b"\xe0\x80\x80", b"\xf0\x80\x80\x80", b"\xf8\x80\x80\x80\x80", b"\xfc\x80\x80\x80\x80\x80"],
        [b"\xed" + bytes([a, b]) for a, b in ((0xa0, 0x80), (0xad, 0xbf), (0xae, 0x80), (0xaf, 0xbf), (0xb0, 0x80), (0xbe, 0x80), (0xbf, 0xbf))],
        [b"\xed" + bytes([a, b]) + b"\xed" + bytes([c, d]) for a, b in ((0xa0, 0x80), (0xad, 0xbf), (0xae, 0x80), (0xaf, 0xbf))
         for c, d in ((0xb0, 0x80), (0xbf, 0xbf))],
    ]
    noncharacters = [b"\xef\xbf\xbe", b"\xef\xbf\xbf"]
    for z1 in (0xf0, 0xf1, 0xf2, 0xf3, 0xf4):
        for z2 in (0x8f, 0x9f, 0xaf, 0xbf):
            if z1 == 0xf4 and z2 != 0x8f:
                continue
            for z3 in (0xbe, 0xbf):
                seq = bytes([z1, z2, 0xbf, z3])
                if seq not in (b"\xf0\x8f\xbf\xbe", b"\xf0\x8f\xbf\xbf"):
                    noncharacters.append(seq)
    groups.append(noncharacters)
    groups.append([b"\xef\xbf" + bytes([c]) for c in range(0xb9, 0xc0)])
    return groups


for g, sequences in enumerate(utf8_groups(), 5):
    for j, seq in enumerate(sequences, 1):
        def utf8_case(t, seq=seq):
            if is_utf8(seq):
                expect(t, [("message", seq, False)])
            else:
                expect(t, [], by_me=False, codes=(INVALID_PAYLOAD,), clean=False, fatal=True)
            t.frame(1, seq)
            t.kill_after(0.5)
        case(f"6.{g}.{j}")(utf8_case)

HELLO_WORLD = b"Hello World!"


@case("7.1.1", "close-code")
def c7_1_1(t):
    # The tester closes when the echo came (Autobahn's finishWhenDone).
    expect(t, [("message", HELLO_WORLD, False)])
    t.frame(1, HELLO_WORLD)
    t.kill_after(1)


def after_close(cid, before, after):
    @case(cid, "close-code")
    def run(t):
        t.suppress_close = True
        expect(t, [])
        for op, p, fin in before:
            t.frame(op, p, fin)
        t.close(NORMAL)
        for op, p, fin in after:
            t.frame(op, p, fin)
        t.kill_after(1)


after_close("7.1.2", [], [(8, b"", True)])
after_close("7.1.3", [], [(9, HELLO_WORLD, True)])
after_close("7.1.4", [], [(1, HELLO_WORLD, True)])
after_close("7.1.5", [(1, F1, False)], [(0, F2, True)])


@case("7.1.6", "informational")
def c7_1_6(t):
    t.suppress_close = True
    expect(t, [("message", HELLO_WORLD, False)], [])
    t.frame(1, (b"BAsd7&jh23" * 26215)[:256 * 1024])
    t.frame(1, HELLO_WORLD)
    t.close(NORMAL)
    t.frame(9)
    t.kill_after(1)


def close_payload(cid, payload, codes, clean):
    @case(cid, "close-code")
    def run(t):
        t.suppress_close = True
        expect(t, [], codes=codes, clean=clean)
        with t.lock:
            t.state, t.closed_by_me = "closing", True
        t.frame(8, payload)
        threading.Thread(target=t._close_timeout, daemon=True).start()
        t.kill_after(1)


close_payload("7.3.1", b"", (NORMAL,), True)
close_payload("7.3.2", b"a", (PROTOCOL_ERROR,), False)
close_payload("7.3.3", struct.pack("!H", NORMAL), (NORMAL,), True)
close_payload("7.3.4", struct.pack("!H", NORMAL) + HELLO_WORLD, (NORMAL,), True)
close_payload("7.3.5", struct.pack("!H", NORMAL) + b"*" * 123, (NORMAL,), True)
close_payload("7.3.6", struct.pack("!H", NORMAL) + b"*" * 124, (PROTOCOL_ERROR,), False)
close_payload("7.5.1", struct.pack("!H", NORMAL) + KOSME + b"\xed\xa0\x80edited", (PROTOCOL_ERROR, INVALID_PAYLOAD), False)
for i, code in enumerate([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999], 1):
    close_payload(f"7.7.{i}", struct.pack("!H", code), (NORMAL, code), True)
for i, code in enumerate([0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999], 1):
    close_payload(f"7.9.{i}", struct.pack("!H", code), (PROTOCOL_ERROR,), False)


# --- running -----------------------------------------------------------------------------------------------------
def run_case(tester, fn, kind):
    tester.reader.start()
    fn(tester)
    # The case's own timers have run; what is left is the close handshake and the TCP drop.
    if not tester.closed.wait(3 * HANDSHAKE_WAIT):
        tester.fail(GOING_AWAY)
        tester.closed.wait(2 * HANDSHAKE_WAIT)
        tester.drop()
    tester.reader.join(2)
    return tester.judge(kind)


def report(cid, behavior, close, received):
    shown = [(e[0], len(e[1]) if len(e) > 2 else e[1][:20]) if e[0] in ("message", "pong", "ping") else e for e in received]
    print(f"case {cid} {behavior} {close} {shown}", flush=True)


def summary(results):
    total = {}
    for g in range(1, 8):
        counts = {OK: 0, NON_STRICT: 0, FAILED: 0, INFORMATIONAL: 0}
        unclean = 0
        for cid, (behavior, close) in results.items():
            if cid.split(".")[0] == str(g):
                counts[behavior] += 1
                unclean += close != "OK" and behavior != INFORMATIONAL
        for k, v in counts.items():
            total[k] = total.get(k, 0) + v
        print(f"group {g} " + " ".join(f"{k}={v}" for k, v in counts.items()) + f" close-not-OK={unclean}", flush=True)
    print("total " + " ".join(f"{k}={v}" for k, v in total.items()), flush=True)


def handshake_client(port, path="/"):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        byte = s.recv(1)
        if not byte:
            raise EOFError("the server closed during the handshake")
        answer += byte
    if b" 101 " not in answer.split(b"\r\n")[0]:
        raise ValueError(answer)
    s.settimeout(None)
    return s


def client(port, prefixes):
    results = {}
    for cid, fn, kind in CASES:
        if prefixes and not any(cid == p or cid.startswith(p + ".") for p in prefixes):
            continue
        tester = Tester(handshake_client(port), is_server=False)
        results[cid] = run_case(tester, fn, kind)
        report(cid, *results[cid], tester.received)
    summary(results)


def accept_handshake(listener):
    """The next connection that sends a WebSocket handshake, and its path; anything else is closed."""
    while True:
        s, _ = listener.accept()
        s.settimeout(10)
        request = b""
        try:
            while b"\r\n\r\n" not in request:
                byte = s.recv(1)
                if not byte:
                    break
                request += byte
        except OSError:
            pass
        lines = request.split(b"\r\n")
        keys = [line.split(b":", 1)[1].strip() for line in lines if line.lower().startswith(b"sec-websocket-key:")]
        if b"\r\n\r\n" in request and keys:
            accept = base64.b64encode(hashlib.sha1(keys[0] + GUID).digest())
            s.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")
            s.settimeout(None)
            return s, lines[0].split(b" ")[1].decode()
        s.close()


def server(port):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(4)
    # Nobody connecting for this long means the client under test is gone: end rather than hang a test run.
    listener.settimeout(60)
    print("ready", flush=True)
    results = {}
    while True:
        s, path = accept_handshake(listener)
        tester = Tester(s, is_server=True)
        if path.startswith("/getCaseCount"):
            tester.reader.start()
            tester.frame(1, str(len(CASES)).encode())
            tester.close(NORMAL)
            tester.closed.wait(2)
            tester.drop()
        elif path.startswith("/runCase"):
            query = dict(p.split("=", 1) for p in path.split("?", 1)[1].split("&") if "=" in p)
            cid, fn, kind = CASES[int(query["case"]) - 1]
            results[cid] = run_case(tester, fn, kind)
            report(cid, *results[cid], tester.received)
        else:
            tester.drop()
            summary(results)
            return


if __name__ == "__main__":
    role, port = sys.argv[1], int(sys.argv[2])
    if role == "client":
        client(port, sys.argv[3:])
    else:
        server(port)
