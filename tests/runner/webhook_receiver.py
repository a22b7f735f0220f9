#!/usr/bin/env python3
"""A local webhook receiver for the pipeline tests (stdlib only).

Usage: webhook_receiver.py OUT.jsonl [--status CODE]
Listens on 127.0.0.1 on a free port, prints the port on stdout (one line), and appends every
POST body (one JSON document per line) to OUT.jsonl. Answers CODE (default 200).
"""
import http.server
import sys


def main():
    out_path = sys.argv[1]
    status = int(sys.argv[sys.argv.index("--status") + 1]) if "--status" in sys.argv else 200

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8")
            with open(out_path, "a", encoding="utf-8") as out:
                out.write(body.replace("\n", " ") + "\n")
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
