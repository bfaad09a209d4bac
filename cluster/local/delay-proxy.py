#!/usr/bin/env python3
"""Forwards TCP connections from LISTEN (host:port) to TARGET (host:port), holding every
chunk DELAY_MS milliseconds in each direction: one-way delay on a link, for the fault
tests (this machine's kernel has no netem). Stops by itself after SECONDS.

    delay-proxy.py LISTEN TARGET DELAY_MS SECONDS
"""
import asyncio
import sys
import time


async def forward(reader, writer, delay):
    queue = asyncio.Queue()

    async def take():
        while True:
            try:
                data = await reader.read(65536)
            except ConnectionError:
                data = b""
            await queue.put((time.monotonic() + delay, data))
            if not data:
                return

    async def give():
        while True:
            due, data = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                writer.close()
                return
            try:
                writer.write(data)
                await writer.drain()
            except ConnectionError:
                return

    await asyncio.gather(take(), give())


async def main():
    listen, target, delay_ms, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    lhost, lport = listen.rsplit(":", 1)
    thost, tport = target.rsplit(":", 1)
    delay = delay_ms / 1000

    async def accept(client_reader, client_writer):
        try:
            head_reader, head_writer = await asyncio.open_connection(thost, int(tport))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(forward(client_reader, head_writer, delay), forward(head_reader, client_writer, delay))

    server = await asyncio.start_server(accept, lhost, int(lport))
    print(f"delay-proxy: {listen} -> {target}, {delay_ms:g} ms each way, for {seconds:g} s", flush=True)
    async with server:
        await asyncio.sleep(seconds)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    asyncio.run(main())
