#!/usr/bin/python3
"""Normal traffic for the soak of a WebSocket echo server: CONNS clients, each sending a 32-byte text message and
waiting for its echo, again and again for SECS seconds. wrk cannot speak WebSocket, so this prints the three lines of
wrk's output that soak.sh reads ("N requests in", "50% X", "99% Y"), counting one round trip as one request.

    ws_echo_load.py URL CONNS SECS

Needs Debian's python3-websockets (hence /usr/bin/python3: a pyenv python on PATH does not have it).
"""
import asyncio
import sys
import time

import websockets


async def client(url, deadline, latencies, failures):
    message = "x" * 32
    while time.monotonic() < deadline:
        try:
            async with websockets.connect(url, max_size=None, ping_interval=None, open_timeout=30) as ws:
                while time.monotonic() < deadline:
                    start = time.perf_counter()
                    await ws.send(message)
                    await ws.recv()
                    latencies.append(time.perf_counter() - start)
        except (OSError, asyncio.TimeoutError, websockets.WebSocketException):
            failures.append(1)
            await asyncio.sleep(0.1)


def fmt(seconds):
    ms = seconds * 1000
    return f"{ms:.2f}ms"


async def main(url, conns, secs):
    latencies, failures = [], []
    deadline = time.monotonic() + secs
    await asyncio.gather(*(client(url, deadline, latencies, failures) for _ in range(conns)))
    latencies.sort()
    n = len(latencies)
    print(f"  {n} requests in {secs}s, {len(failures)} connection failures")
    if n:
        print(f"     50%    {fmt(latencies[n // 2])}")
        print(f"     99%    {fmt(latencies[min(n - 1, n * 99 // 100)])}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
