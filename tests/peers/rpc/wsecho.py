"""WebSocket echo peer (Debian python3-websockets) for PSNetTools tests. Run with /usr/bin/python3.

Usage: /usr/bin/python3 wsecho.py serve PORT         echo server on 127.0.0.1:PORT
       /usr/bin/python3 wsecho.py bench URL COUNT     COUNT echo round trips over one connection; prints round trips/s
"""
import asyncio
import sys
import time

import websockets


async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)


async def serve(port):
    async with websockets.serve(echo, "127.0.0.1", port, max_size=1024 * 1024):
        print("ready", flush=True)
        await asyncio.Future()


async def bench(url, count):
    async with websockets.connect(url, max_size=None) as ws:
        started = time.perf_counter()
        for i in range(count):
            await ws.send(f"message {i}")
            await ws.recv()
        elapsed = time.perf_counter() - started
    print(f"{count} round trips in {elapsed:.3f} s = {count / elapsed:.0f}/s", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        asyncio.run(serve(int(sys.argv[2])))
    else:
        asyncio.run(bench(sys.argv[2], int(sys.argv[3])))
