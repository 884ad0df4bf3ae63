"""Stand-in for one of the three services in the tests of infra/run-local.sh: answers the health
endpoint (200, or 503 in mode never-ready) and a chat completion (mode bad-answer: not OpenAI JSON),
logs its stop on SIGTERM and, like a JVM in an AOT training run, writes the -XX:AOTCacheOutput file."""
import http.server
import os
import re
import signal
import sys

svc, port, mode, jvm_opts = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
log = os.environ["FAKE_RUN_LOG"]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path in ("/q/health/ready", "/health/readiness"):
            self.answer(503 if mode == "never-ready" else 200, '{"status":"UP"}')
        else:
            self.answer(404, "{}")

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(log, "a") as f:
            f.write(f"request {svc} {self.path} auth={self.headers.get('Authorization')}\n")
        if mode == "bad-answer":
            self.answer(502, '{"error":{"message":"upstream down"}}')
        else:
            self.answer(200, '{"choices":[{"message":{"role":"assistant","content":"hi"}}]}')


def stop(*_):
    with open(log, "a") as f:
        f.write(f"stop {svc}\n")
    match = re.search(r"-XX:AOTCacheOutput=(\S+)", jvm_opts)
    if match:
        with open(match.group(1), "w") as cache:
            cache.write("fake aot cache\n")
    os._exit(0)


signal.signal(signal.SIGTERM, stop)
print(f"{svc} listening on {port}", flush=True)
http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
