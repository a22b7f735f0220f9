#!/usr/bin/env python3
"""Fault-injecting HTTP proxy for storage tests (stdlib only; reliability test 6 and 7).

usage: fault_proxy.py LISTEN_PORT TARGET_HOST:TARGET_PORT [--rate 0.1] [--seed N] [--modes 503,500after,reset,resetafter,delay,corrupt] [--fail-matching TEXT]
Binds 127.0.0.1; LISTEN_PORT 0 picks a free port, printed on stdout as the first line.
Each request is parsed (Content-Length bodies; sluice never sends chunked bodies), and with
probability RATE one fault from MODES is applied:
  503        answer 503 SlowDown without forwarding
  500after   forward (the server applies the request) but answer 500: the "lost answer" case
  reset      close the connection without forwarding
  resetafter forward, then close without answering
  delay      sleep 0.3-1.0 s, then forward
  corrupt    flip one byte of the request body, then forward (the server must reject it by checksum)
The Host header is forwarded unchanged, so SigV4 signatures made for the proxy's address stay valid.
--fail-matching TEXT answers 503 to every request whose request line contains TEXT (e.g.
"uploadId=" kills a multipart upload's parts and its abort, as a dying client would leave it).
GET /__proxy/stats answers JSON counters {requests, faults: {mode: n}}.
"""
import json
import random
import socket
import sys
import threading
import time

args = sys.argv[1:]
listen_port = int(args[0])
target_host, target_port = args[1].rsplit(":", 1)
target_port = int(target_port)
rate = 0.1
seed = None
modes = ["503", "500after", "reset", "resetafter", "delay", "corrupt"]
fail_matching = None
i = 2
while i < len(args):
    if args[i] == "--rate":
        rate = float(args[i + 1]); i += 2
    elif args[i] == "--seed":
        seed = int(args[i + 1]); i += 2
    elif args[i] == "--fail-matching":
        fail_matching = args[i + 1].encode(); i += 2
    elif args[i] == "--modes":
        modes = args[i + 1].split(","); i += 2
    else:
        sys.exit("unknown option " + args[i])
rng = random.Random(seed)
lock = threading.Lock()
stats = {"requests": 0, "faults": {m: 0 for m in modes}}


def read_request(conn, buf):
    while b"\r\n\r\n" not in buf:
        data = conn.recv(65536)
        if not data:
            return None, b""
        buf += data
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        data = conn.recv(max(65536, length - len(rest)))
        if not data:
            return None, b""
        rest += data
    return (lines, rest[:length]), rest[length:]


def forward(lines, body):
    out = [lines[0]]
    for line in lines[1:]:
        name = line.partition(b":")[0].strip().lower()
        if name in (b"connection", b"keep-alive"):
            continue
        out.append(line)
    out.append(b"Connection: close")
    up = socket.create_connection((target_host, target_port), timeout=120)
    up.sendall(b"\r\n".join(out) + b"\r\n\r\n" + body)
    chunks = []
    while True:
        data = up.recv(1 << 20)
        if not data:
            break
        chunks.append(data)
    up.close()
    return b"".join(chunks)


def simple_response(status, reason, body):
    return (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body


def handle(conn):
    try:
        buf = b""
        parsed, buf = read_request(conn, buf)
        if parsed is None:
            return
        lines, body = parsed
        if lines[0].startswith(b"GET /__proxy/stats"):
            with lock:
                payload = json.dumps(stats).encode()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                         + str(len(payload)).encode() + b"\r\nConnection: close\r\n\r\n" + payload)
            return
        with lock:
            stats["requests"] += 1
            mode = rng.choice(modes) if rng.random() < rate else None
            if fail_matching is not None:
                mode = "503" if fail_matching in lines[0] else None
                stats["faults"].setdefault("503", 0)
            if mode == "corrupt" and not body:
                mode = "503"
                if mode not in stats["faults"]:
                    stats["faults"][mode] = 0
            if mode:
                stats["faults"][mode] += 1
        if mode == "503":
            conn.sendall(simple_response(503, "Service Unavailable",
                                         b"<Error><Code>SlowDown</Code><Message>injected</Message></Error>"))
            return
        if mode == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            return
        if mode == "delay":
            time.sleep(0.3 + rng.random() * 0.7)
        if mode == "corrupt":
            pos = len(body) // 2
            body = body[:pos] + bytes([body[pos] ^ 0xFF]) + body[pos + 1:]
        response = forward(lines, body)
        if mode == "500after":
            conn.sendall(simple_response(500, "Internal Server Error",
                                         b"<Error><Code>InternalError</Code><Message>injected</Message></Error>"))
            return
        if mode == "resetafter":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            return
        conn.sendall(response)
    except OSError:
        pass
    finally:
        conn.close()


srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", listen_port))
srv.listen(128)
print(srv.getsockname()[1], flush=True)
while True:
    client, _ = srv.accept()
    threading.Thread(target=handle, args=(client,), daemon=True).start()
