#!/usr/bin/env python3
"""p50/p95 latency of the penalty-case list, filter and statistics routes
against a running server with the demo data (sightline demo, then serve):

  SIGHTLINE_URL=http://127.0.0.1:18139 SIGHTLINE_DEMO_PASSWORD=... bench/cases_latency.py

Each route is called ROUNDS times (default 200) after 5 warm-up calls, one at
a time, over one kept-alive connection; times are wall-clock per response.
"""
import http.client, json, os, statistics, sys, time, urllib.parse

url = urllib.parse.urlparse(os.environ.get("SIGHTLINE_URL", "http://127.0.0.1:8080"))
password = os.environ["SIGHTLINE_DEMO_PASSWORD"]
rounds = int(os.environ.get("ROUNDS", "200"))
conn = http.client.HTTPConnection(url.hostname, url.port)

def call(method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    r = conn.getresponse()
    data = r.read()
    if r.status != 200:
        sys.exit(f"{method} {path}: {r.status} {data[:200]!r}")
    return data

token = json.loads(call("POST", "/api/v1/auth/login", {"username": "leader", "password": password}))["token"]
towns = json.loads(call("GET", "/api/v1/towns", token=token))["features"]
town = towns[0]["id"]
routes = [
    "/api/v1/cases",
    "/api/v1/cases?procedure=general&limit=50",
    f"/api/v1/cases?town_id={town}&category=%E5%BA%97%E5%A4%96%E7%BB%8F%E8%90%A5",
    "/api/v1/cases?state=archived&offset=5000",
    "/api/v1/cases?overdue=true",
    "/api/v1/cases?party=%E6%A1%90%E4%B9%A1",
    "/api/v1/cases?from=2025-01-01&to=2025-07-01",
    "/api/v1/cases/stats",
    "/api/v1/cases/stats?from=2026-01-01",
]
print(f"{'route':60} {'p50 ms':>8} {'p95 ms':>8}")
worst = 0.0
for path in routes:
    for _ in range(5):
        call("GET", path, token=token)
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        call("GET", path, token=token)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    worst = max(worst, p95)
    print(f"{urllib.parse.unquote(path):60} {statistics.median(times):8.2f} {p95:8.2f}")
print(f"worst p95: {worst:.2f} ms")
