"""Helpers of scripts/bench-icount.sh (instructions and allocations per gateway request).

  upstream PORT            an HTTP/1.1 mock: a fixed chat completion, or a 67-event SSE stream
                           when the request body has "stream":true; GET answers a model list
  client PORT TOKEN N      N sequential keep-alive POSTs to the gateway (STREAM=1: streamed),
                           each checked for 200 (and `data: [DONE]`)
  dhat-diff A B N [DEPTH]  allocations per request between two DHAT profiles of N1 and N2
                           requests (N = N2 - N1), by call site (DEPTH frames, default 2)
"""

import collections
import http.client
import http.server
import json
import os
import re
import socketserver
import sys

ANSWER = json.dumps({
    "id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000,
    "model": "gpt-4o-mini",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello."},
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 13, "completion_tokens": 2, "total_tokens": 15},
}, separators=(",", ":")).encode()
MODELS = b'{"object":"list","data":[{"id":"gpt-4o-mini","object":"model"}]}'


def chunk(delta, finish=None, usage=None):
    c = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1700000000,
         "model": "gpt-4o-mini", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    if usage is not None:
        c["choices"], c["usage"] = [], usage
    return b"data: " + json.dumps(c, separators=(",", ":")).encode() + b"\n\n"


STREAM = (chunk({"role": "assistant", "content": ""})
          + b"".join(chunk({"content": "word%d " % i}) for i in range(63))
          + chunk({}, "stop")
          + chunk(None, usage={"prompt_tokens": 13, "completion_tokens": 64, "total_tokens": 77})
          + b"data: [DONE]\n\n")


class Upstream(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def reply(self, body, ct="application/json"):
        self.send_response(200)
        self.send_header("content-type", ct)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        if b'"stream":true' in body:
            self.reply(STREAM, "text/event-stream")
        else:
            self.reply(ANSWER)

    def do_GET(self):
        self.reply(MODELS)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def client(port, token, n):
    stream = os.environ.get("STREAM") == "1"
    body = {"model": "gpt-4o-mini",
            "messages": [{"role": "user", "content": "Say hello in one word."}]}
    if stream:
        body.update(stream=True, stream_options={"include_usage": True})
    data = json.dumps(body, separators=(",", ":")).encode()
    c = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"authorization": "Bearer " + token, "content-type": "application/json"}
    for _ in range(n):
        c.request("POST", "/v1/chat/completions", data, headers)
        r = c.getresponse()
        d = r.read()
        if r.status != 200 or (stream and not d.endswith(b"data: [DONE]\n\n")):
            sys.exit(f"the gateway answered {r.status}: {d[:200]!r}")


SKIP = re.compile(r"(vgpreload|alloc::alloc|__rust_|RawVec|raw_vec|finish_grow|do_reserve|"
                  r"grow_one|alloc::vec::|alloc::string|to_vec|to_owned|clone::Clone|<alloc::|"
                  r"core::fmt::write|format_inner|Box<T>::new|Arc<T>::new)")


def sites(path, depth):
    d = json.load(open(path))
    blocks, size = collections.Counter(), collections.Counter()
    for pp in d["pps"]:
        frames = [re.sub(r"^0x[0-9A-F]+: ", "", d["ftbl"][i]) for i in pp["fs"]]
        frames = [re.sub(r" \(in [^)]*\)$", "", f) for f in frames if not SKIP.search(f)]
        key = " <- ".join(f[:100] for f in frames[:depth])
        blocks[key] += pp["tbk"]
        size[key] += pp["tb"]
    return blocks, size


def dhat_diff(a, b, n, depth):
    (ab, asz), (bb, bsz) = sites(a, depth), sites(b, depth)
    per = {k: (bb[k] - ab.get(k, 0)) / n for k in bb}
    total = sum(v for v in per.values() if v > 0)
    total_bytes = sum((bsz[k] - asz.get(k, 0)) / n for k in bsz)
    print(f"allocations per request: {total:.1f}, {total_bytes:.0f} bytes")
    for k, v in sorted(per.items(), key=lambda kv: -kv[1])[:40]:
        if v < 0.5:
            break
        print(f"{v:6.1f} x {(bsz[k] - asz.get(k, 0)) / n / v:6.0f} B  {k}")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "upstream":
        Server(("127.0.0.1", int(args[0])), Upstream).serve_forever()
    elif cmd == "client":
        client(int(args[0]), args[1], int(args[2]))
    elif cmd == "dhat-diff":
        dhat_diff(args[0], args[1], int(args[2]), int(args[3]) if len(args) > 3 else 2)
    else:
        sys.exit(__doc__)
