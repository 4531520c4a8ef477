"""The seed's asyncio TCP echo server (tcp_echo_server), minus its per-message print() calls,
which would measure the terminal instead of the server. Usage: python3 asyncio_echo_server.py PORT [PREFIX]"""
import asyncio
import sys


async def tcp_echo_server(host, port, prefix):
    async def handle_client(reader, writer):
        while True:
            data = await reader.read(100)
            if not data:
                break
            writer.write(prefix + data)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle_client, host, port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    port = int(sys.argv[1])
    prefix = (sys.argv[2] if len(sys.argv) > 2 else "").encode("utf-8")
    try:
        asyncio.run(tcp_echo_server("127.0.0.1", port, prefix))
    except KeyboardInterrupt:
        pass
