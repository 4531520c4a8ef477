#!/usr/bin/env python3
"""A wss:// echo server (python3-websockets) on 127.0.0.1:PORT with the given certificate. Usage: wss_echo.py PORT CERT KEY"""
import asyncio
import ssl
import sys

import websockets


async def echo(ws, *_):
    async for message in ws:
        await ws.send(message)


async def main():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[2], sys.argv[3])
    async with websockets.serve(echo, "127.0.0.1", int(sys.argv[1]), ssl=context):
        print("ready", flush=True)
        await asyncio.Future()


asyncio.run(main())
