#!/usr/bin/env python3
"""A small fake of the GCS JSON API for the behaviours no emulator here has (stdlib only):
chunked resumable uploads (308 + Range, `bytes */TOTAL` status queries, resume after a dropped
chunk), checksum enforcement (400 when the body does not match the declared crc32c/md5Hash),
ifGenerationMatch preconditions (412; 0 = must not exist), x-goog-hash on downloads, and the OAuth2 JWT-bearer
token endpoint (RS256 signature verified with `openssl` when --pubkey is given).

usage: fake_gcs.py PORT [--pubkey PEM] [--require-token]
PORT 0 picks a free port, printed on stdout as the first line. Binds 127.0.0.1.

Fault controls (POST /_control with a JSON object; each counter is consumed as it fires):
  corrupt_uploads: N       flip one byte of the next N upload bodies (media/multipart/chunks)
  drop_chunks: N           the next N resumable chunk PUTs keep only the first half (rounded down
                           to 256 KiB) and close the connection without answering
  no_range_status: N       the next N status queries forget the session's bytes and answer 308
                           without a Range header (= nothing persisted)
  fail_requests: N         answer 503 to the next N requests
  corrupt_downloads: N     flip one byte in the next N alt=media bodies (x-goog-hash stays right)
  expire_token: true       reject the current access tokens (401) so the client must refresh
GET /_stats answers counters (requests by kind, bytes received in chunks, tokens issued).
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

QUANTUM = 256 * 1024

_table = []
for n in range(256):
    c = n
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    _table.append(c)


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    t = _table
    for b in data:
        crc = (crc >> 8) ^ t[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


def crc_b64(data):
    return base64.b64encode(crc32c(data).to_bytes(4, "big")).decode()


def md5_b64(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


args = sys.argv[1:]
port = int(args[0])
pubkey = None
require_token = False
if "--pubkey" in args:
    pubkey = args[args.index("--pubkey") + 1]
if "--require-token" in args:
    require_token = True

lock = threading.Lock()
objects = {}      # (bucket, name) -> dict(data, meta, generation)
sessions = {}     # id -> dict(bucket, meta, data, total, precondition)
tokens = set()
controls = {"corrupt_uploads": 0, "drop_chunks": 0, "no_range_status": 0, "fail_requests": 0,
            "corrupt_downloads": 0}
stats = {"requests": 0, "chunk_puts": 0, "chunk_bytes": 0, "status_queries": 0, "uploads": 0,
         "checksum_rejections": 0, "tokens_issued": 0, "downloads": 0}
generation = [1000]


def take(name):
    with lock:
        if controls.get(name, 0) > 0:
            controls[name] -= 1
            return True
    return False


def flip(data):
    if not data:
        return data
    pos = len(data) // 2
    return data[:pos] + bytes([data[pos] ^ 0x01]) + data[pos + 1:]


def verify_jwt(assertion):
    parts = assertion.split(".")
    if len(parts) != 3:
        return "malformed JWT"
    pad = lambda s: s + "=" * (-len(s) % 4)
    try:
        header = json.loads(base64.urlsafe_b64decode(pad(parts[0])))
        claims = json.loads(base64.urlsafe_b64decode(pad(parts[1])))
        signature = base64.urlsafe_b64decode(pad(parts[2]))
    except Exception:
        return "undecodable JWT"
    if header.get("alg") != "RS256":
        return "alg must be RS256"
    for claim in ("iss", "scope", "aud", "iat", "exp"):
        if claim not in claims:
            return "missing claim " + claim
    if claims["exp"] < time.time():
        return "expired JWT"
    if pubkey:
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "data"), "wb") as f:
                f.write((parts[0] + "." + parts[1]).encode())
            with open(os.path.join(d, "sig"), "wb") as f:
                f.write(signature)
            r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pubkey, "-signature",
                                os.path.join(d, "sig"), os.path.join(d, "data")],
                               capture_output=True)
            if r.returncode != 0:
                return "bad RS256 signature"
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def body(self):
        n = int(self.headers.get("Content-Length", 0) or 0)
        return self.rfile.read(n) if n else b""

    def send(self, status, payload=b"", headers=None, ctype="application/json"):
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload).encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def error(self, status, message):
        self.send(status, {"error": {"code": status, "message": message}})

    def resource(self, bucket, name, obj):
        return {"kind": "storage#object", "bucket": bucket, "name": name,
                "size": str(len(obj["data"])), "md5Hash": md5_b64(obj["data"]),
                "crc32c": crc_b64(obj["data"]), "generation": str(obj["generation"]),
                "metadata": obj["meta"].get("metadata", {}),
                "contentType": obj["meta"].get("contentType", "application/octet-stream")}

    def auth_ok(self):
        if not require_token:
            return True
        h = self.headers.get("Authorization", "")
        with lock:
            return h.startswith("Bearer ") and h[7:] in tokens

    def finalize(self, bucket, meta, data, precondition):
        """Checks declared hashes; stores the object; returns (status, payload)."""
        if "crc32c" in meta and meta["crc32c"] != crc_b64(data):
            stats["checksum_rejections"] += 1
            return 400, {"error": {"code": 400, "message":
                         "Provided CRC32C \"%s\" doesn't match calculated CRC32C \"%s\"." %
                         (meta["crc32c"], crc_b64(data))}}
        if "md5Hash" in meta and meta["md5Hash"] != md5_b64(data):
            stats["checksum_rejections"] += 1
            return 400, {"error": {"code": 400, "message":
                         "Provided MD5 hash \"%s\" doesn't match calculated MD5 hash \"%s\"." %
                         (meta["md5Hash"], md5_b64(data))}}
        name = meta["name"]
        with lock:
            # ifGenerationMatch=N: the object's generation must be N (0: it must not exist).
            current = objects[(bucket, name)]["generation"] if (bucket, name) in objects else 0
            if precondition is not None and str(current) != precondition:
                return 412, {"error": {"code": 412, "message": "At least one of the pre-conditions you specified did not hold."}}
            generation[0] += 1
            objects[(bucket, name)] = {"data": data, "meta": meta, "generation": generation[0]}
            stats["uploads"] += 1
            return 200, self.resource(bucket, name, objects[(bucket, name)])

    def dispatch(self):
        with lock:
            stats["requests"] += 1
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        path = url.path
        if path == "/_stats":
            with lock:
                return self.send(200, dict(stats))
        if path == "/_control":
            req = json.loads(self.body() or b"{}")
            with lock:
                for k, v in req.items():
                    if k == "expire_token":
                        tokens.clear()
                    else:
                        controls[k] = v
            return self.send(200, dict(controls))
        if path == "/token":
            form = dict(urllib.parse.parse_qsl(self.body().decode()))
            if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
                return self.send(400, {"error": "unsupported_grant_type"})
            problem = verify_jwt(form.get("assertion", ""))
            if problem:
                return self.send(400, {"error": "invalid_grant", "error_description": problem})
            with lock:
                stats["tokens_issued"] += 1
                token = "fake-token-%d" % stats["tokens_issued"]
                tokens.add(token)
            return self.send(200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"})
        body = self.body()
        if take("fail_requests"):
            return self.error(503, "injected backend error")
        if not self.auth_ok():
            return self.error(401, "Invalid Credentials")
        parts = path.split("/")
        # Upload endpoints: /upload/storage/v1/b/B/o
        if path.startswith("/upload/storage/v1/b/") and parts[6:7] == ["o"]:
            bucket = urllib.parse.unquote(parts[5])
            precondition = q.get("ifGenerationMatch")
            kind = q.get("uploadType")
            if self.command == "POST" and kind == "media":
                if take("corrupt_uploads"):
                    body = flip(body)
                meta = {"name": q["name"]}
                st, payload = self.finalize(bucket, meta, body, precondition)
                return self.send(st, payload)
            if self.command == "POST" and kind == "multipart":
                ctype = self.headers.get("Content-Type", "")
                boundary = ctype.split("boundary=", 1)[1].strip('"').encode()
                segments = body.split(b"--" + boundary)
                meta_part = segments[1].split(b"\r\n\r\n", 1)[1].rstrip(b"\r\n")
                data_part = segments[2].split(b"\r\n\r\n", 1)[1]
                data_part = data_part[:-2] if data_part.endswith(b"\r\n") else data_part
                if take("corrupt_uploads"):
                    data_part = flip(data_part)
                st, payload = self.finalize(bucket, json.loads(meta_part), data_part, precondition)
                return self.send(st, payload)
            if self.command == "POST" and kind == "resumable":
                meta = json.loads(body or b"{}")
                if "name" in q:
                    meta["name"] = q["name"]
                sid = hashlib.sha1(os.urandom(16)).hexdigest()
                with lock:
                    sessions[sid] = {"bucket": bucket, "meta": meta, "data": b"", "precondition": precondition,
                                     "done": None}
                host = self.headers.get("Host")
                loc = "http://%s/upload/storage/v1/b/%s/o?uploadType=resumable&upload_id=%s" % (
                    host, urllib.parse.quote(bucket), sid)
                return self.send(200, b"", {"Location": loc})
            if self.command == "PUT" and "upload_id" in q:
                with lock:
                    s = sessions.get(q["upload_id"])
                if s is None:
                    return self.error(404, "No such upload session")
                crange = self.headers.get("Content-Range", "")
                spec = crange[len("bytes "):]
                rng, _, total = spec.partition("/")
                if s["done"] is not None:
                    return self.send(200, s["done"])
                if rng == "*":
                    stats["status_queries"] += 1
                    if take("no_range_status"):
                        s["data"] = b""
                        return self.send(308, b"", ctype="text/plain")
                    hdr = {"Range": "bytes=0-%d" % (len(s["data"]) - 1)} if s["data"] else {}
                    if total != "*" and len(s["data"]) == int(total) and total != "0":
                        st, payload = self.finalize(s["bucket"], s["meta"], s["data"], s["precondition"])
                        if st == 200:
                            s["done"] = payload
                        return self.send(st, payload)
                    return self.send(308, b"", hdr, ctype="text/plain")
                start, _, end = rng.partition("-")
                start, end = int(start), int(end)
                stats["chunk_puts"] += 1
                stats["chunk_bytes"] += len(body)
                if start != len(s["data"]):
                    return self.error(400, "chunk starts at %d, %d bytes committed" % (start, len(s["data"])))
                if take("corrupt_uploads"):
                    body = flip(body)
                if take("drop_chunks"):
                    keep = (len(body) // 2) // QUANTUM * QUANTUM
                    s["data"] += body[:keep]
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                s["data"] += body
                last = total != "*" and end + 1 == int(total)
                if not last:
                    if len(body) % QUANTUM != 0:
                        return self.error(400, "chunk size must be a multiple of 256 KiB")
                    return self.send(308, b"", {"Range": "bytes=0-%d" % (len(s["data"]) - 1)},
                                     ctype="text/plain")
                st, payload = self.finalize(s["bucket"], s["meta"], s["data"], s["precondition"])
                if st == 200:
                    s["done"] = payload
                else:
                    # A rejected final object discards the session's bytes (as GCS does).
                    with lock:
                        sessions.pop(q["upload_id"], None)
                return self.send(st, payload)
            return self.error(400, "unsupported upload request")
        # Object endpoints: /storage/v1/b/B/o[/NAME]
        if path.startswith("/storage/v1/b/") and parts[5:6] == ["o"]:
            bucket = urllib.parse.unquote(parts[4])
            if len(parts) == 6 or (len(parts) == 7 and parts[6] == ""):
                prefix = q.get("prefix", "")
                page = int(q.get("pageToken", "0") or 0)
                max_results = int(q.get("maxResults", "1000"))
                with lock:
                    names = sorted(n for (b, n) in objects if b == bucket and n.startswith(prefix))
                    items = [self.resource(bucket, n, objects[(bucket, n)]) for n in names[page:page + max_results]]
                out = {"kind": "storage#objects", "items": items}
                if page + max_results < len(names):
                    out["nextPageToken"] = str(page + max_results)
                return self.send(200, out)
            name = urllib.parse.unquote("/".join(parts[6:]))
            with lock:
                obj = objects.get((bucket, name))
            if self.command == "DELETE":
                if obj is None:
                    return self.error(404, "No such object: %s/%s" % (bucket, name))
                with lock:
                    objects.pop((bucket, name), None)
                return self.send(204, b"")
            if obj is None:
                return self.error(404, "No such object: %s/%s" % (bucket, name))
            if q.get("alt") == "media":
                stats["downloads"] += 1
                data = obj["data"]
                hdr = {"x-goog-hash": "crc32c=%s,md5=%s" % (crc_b64(data), md5_b64(data))}
                status = 200
                r = self.headers.get("Range")
                if r and r.startswith("bytes="):
                    a, _, b = r[6:].partition("-")
                    a = int(a)
                    b = min(int(b), len(data) - 1) if b else len(data) - 1
                    if a >= len(data):
                        return self.send(416, b"")
                    data = data[a:b + 1]
                    status = 206
                    hdr = {}
                if take("corrupt_downloads"):
                    data = flip(data)
                return self.send(status, data, hdr, ctype="application/octet-stream")
            return self.send(200, self.resource(bucket, name, obj))
        return self.error(404, "unknown path " + path)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = lambda self: self.dispatch()


srv = ThreadingHTTPServer(("127.0.0.1", port), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
