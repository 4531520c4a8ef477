#!/usr/bin/env python3
"""Opens N TCP listeners on 127.0.0.1 (random free ports) and keeps them open until killed: the same open ports for both scanners."""
import signal, socket, sys, time
n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
held = []
for _ in range(n):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1024)
    held.append(s)
print(",".join(str(s.getsockname()[1]) for s in held), flush=True)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    time.sleep(3600)
