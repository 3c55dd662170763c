#!/usr/bin/env python3
"""The benchmark's JSON endpoints: one asyncio process listening on N loopback ports.

A minimal HTTP/1.1 server (keep-alive, Content-Length bodies) that answers 200 to every POST and
counts, per port, the requests and the distinct `webhook-id` headers. Prints `READY port…` and then
serves; `GET /stats` on any port answers JSON {"requests": n, "unique": n, "duplicates": n}; `GET
/reset` clears the counts.
"""
import asyncio
import json
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 20
state = {"requests": 0, "ids": set(), "duplicates": 0}
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Type: text/plain\r\n\r\n"


class Endpoint(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""

    def data_received(self, data):
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            length = 0
            webhook_id = None
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value.strip())
                elif name == "webhook-id":
                    webhook_id = value.strip()
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length:]
            request_line = head.split("\r\n", 1)[0]
            if request_line.startswith("GET /stats"):
                body = json.dumps({"requests": state["requests"], "unique": len(state["ids"]),
                                   "duplicates": state["duplicates"]}).encode()
                self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                     + str(len(body)).encode() + b"\r\n\r\n" + body)
                continue
            if request_line.startswith("GET /reset"):
                state.update(requests=0, ids=set(), duplicates=0)
                self.transport.write(RESPONSE)
                continue
            state["requests"] += 1
            if webhook_id is not None:
                key = (self.transport.get_extra_info("sockname")[1], webhook_id)
                if key in state["ids"]:
                    state["duplicates"] += 1
                state["ids"].add(key)
            self.transport.write(RESPONSE)


async def main():
    loop = asyncio.get_running_loop()
    servers = [await loop.create_server(Endpoint, "127.0.0.1", 0, backlog=1024) for _ in range(count)]
    print("READY", *[server.sockets[0].getsockname()[1] for server in servers], flush=True)
    await asyncio.Event().wait()


asyncio.run(main())
