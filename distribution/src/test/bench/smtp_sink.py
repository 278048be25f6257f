"""A minimal SMTP sink for footprint runs: accepts every mail, counts them in COUNT_FILE."""
import asyncio
import sys

PORT, COUNT_FILE = int(sys.argv[1]), sys.argv[2]
received = 0


async def session(reader, writer):
    try:
        await converse(reader, writer)
    except ConnectionResetError:
        pass  # a relay that stops drops its idle connections; nothing to count


async def converse(reader, writer):
    global received
    writer.write(b"220 sink\r\n")
    in_data = False
    while line := await reader.readline():
        if in_data:
            if line == b".\r\n":
                in_data = False
                received += 1
                open(COUNT_FILE, "w").write(str(received))
                writer.write(b"250 ok\r\n")
            continue
        verb = line[:4].upper()
        if verb == b"DATA":
            in_data = True
            writer.write(b"354 go\r\n")
        elif verb == b"QUIT":
            writer.write(b"221 bye\r\n")
            break
        elif verb == b"EHLO":
            writer.write(b"250-sink\r\n250 PIPELINING\r\n")
        else:
            writer.write(b"250 ok\r\n")
        await writer.drain()
    writer.close()


async def main():
    server = await asyncio.start_server(session, "127.0.0.1", PORT)
    async with server:
        await server.serve_forever()

asyncio.run(main())
