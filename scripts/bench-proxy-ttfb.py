#!/usr/bin/env python3
"""Time to first byte of a streamed chat completion, for `scripts/bench-proxy.sh` (stream mode).

Usage: bench-proxy-ttfb.py N BODY_FILE TOKEN NAME=PORT:PATH...

One keep-alive connection per target (TCP_NODELAY), one request in flight at a time, the targets
alternated request by request (the order rotated every round) so they share the machine's
moments. Per request: the POST is written, then the clock runs until the first byte after the
response's header block (the first body byte; for a chunked answer that is its first chunk's
size line, which arrives with the chunk) and until the answer is complete (Content-Length or the
last chunk). 200 warm-up requests per target are not counted. Every answer must be 200 and its
body (de-chunked) must end with `data: [DONE]`; otherwise it is counted as an error and the exit
status is 1.

Prints one JSON object per target on stdout:
  {"name", "n", "errors", "head": [p50, p99], "ttfb": [p50, p99], "full": [p50, p99]}
in microseconds ("head": until the header block is complete).
"""
import json
import socket
import sys
import time

WARMUP = 200
TAIL = b"data: [DONE]\n\n"


class Target:
    def __init__(self, spec, body, token):
        self.name, rest = spec.split("=", 1)
        port, self.path = rest.split(":", 1)
        self.port = int(port)
        self.request = (
            f"POST {self.path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        self.sock = None
        self.head, self.ttfb, self.full = [], [], []
        self.errors = 0
        self.last_error = ""

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = s

    def one(self, record):
        if self.sock is None:
            self.connect()
        s = self.sock
        now = time.perf_counter_ns
        t0 = now()
        s.sendall(self.request)
        buf = b""
        while True:
            data = s.recv(65536)
            if not data:
                raise ConnectionError("closed before the header block")
            buf += data
            end = buf.find(b"\r\n\r\n")
            if end >= 0:
                break
        t_head = now()
        head, rest = buf[:end].decode("latin-1"), buf[end + 4:]
        if not rest:
            rest = s.recv(65536)
            if not rest:
                raise ConnectionError("closed before the body")
        t_first = now()
        lines = head.split("\r\n")
        status = int(lines[0].split()[1])
        fields = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            fields[k.strip().lower()] = v.strip()
        if "chunked" in fields.get("transfer-encoding", "").lower():
            body = self.read_chunked(rest)
        else:
            length = int(fields.get("content-length", "0"))
            while len(rest) < length:
                data = s.recv(65536)
                if not data:
                    raise ConnectionError("closed inside the body")
                rest += data
            body = rest[:length]
        t_end = now()
        if fields.get("connection", "").lower() == "close":
            s.close()
            self.sock = None
        if status != 200 or not body.endswith(TAIL):
            self.errors += 1
            self.last_error = f"status {status}, body ends {body[-60:]!r}"
            return
        if record:
            self.head.append((t_head - t0) / 1000)
            self.ttfb.append((t_first - t0) / 1000)
            self.full.append((t_end - t0) / 1000)

    def read_chunked(self, buf):
        out = bytearray()
        pos = 0

        def more():
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("closed inside a chunked body")
            return data

        while True:
            eol = buf.find(b"\r\n", pos)
            while eol < 0:
                buf += more()
                eol = buf.find(b"\r\n", pos)
            size = int(buf[pos:eol].split(b";")[0], 16)
            pos = eol + 2
            if size == 0:
                # no trailers expected: the empty line ends the body
                while len(buf) < pos + 2:
                    buf += more()
                return bytes(out)
            while len(buf) < pos + size + 2:
                buf += more()
            out += buf[pos:pos + size]
            pos += size + 2

    def percentiles(self, xs):
        s = sorted(xs)
        if not s:
            return [0, 0]
        return [round(s[int(0.50 * (len(s) - 1))]), round(s[int(0.99 * (len(s) - 1))])]


def main():
    n = int(sys.argv[1])
    body = open(sys.argv[2], "rb").read()
    token = sys.argv[3]
    targets = [Target(spec, body, token) for spec in sys.argv[4:]]
    for i in range(WARMUP + n):
        k = i % len(targets)
        for t in targets[k:] + targets[:k]:
            try:
                t.one(record=i >= WARMUP)
            except (OSError, ValueError, IndexError) as e:
                t.errors += 1
                t.last_error = f"{type(e).__name__}: {e}"
                if t.sock is not None:
                    t.sock.close()
                    t.sock = None
    bad = False
    for t in targets:
        print(json.dumps({"name": t.name, "n": len(t.ttfb), "errors": t.errors,
                          "head": t.percentiles(t.head), "ttfb": t.percentiles(t.ttfb),
                          "full": t.percentiles(t.full)}))
        if t.errors:
            bad = True
            print(f"{t.name}: {t.errors} errors, the last: {t.last_error}", file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
