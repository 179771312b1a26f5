#!/usr/bin/env python3
"""Latency of the urban-event list, filter and statistics routes over the demo
history, measured from outside over HTTP (one connection per request, like a
browser's first request; sequential, so the figure is the server's own time
plus loopback).

    python3 bench/events_bench.py http://127.0.0.1:8080 <password> [rounds]
Prints one FIGURE line per route: p50 and p95 in milliseconds.
"""
import json
import sys
import time
import urllib.request

base = sys.argv[1].rstrip("/")
password = sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 40

req = urllib.request.Request(base + "/api/v1/auth/login", data=json.dumps(
    {"username": "leader", "password": password}).encode(), headers={"Content-Type": "application/json"})
token = json.load(urllib.request.urlopen(req))["token"]
year = time.strftime("%Y")
ROUTES = [
    "/api/v1/events?limit=50",
    "/api/v1/events?status=open&limit=50",
    "/api/v1/events?category=illegal_parking&town_id=3&limit=50&offset=100",
    "/api/v1/events?source=hotline&from=%s-01-01&limit=50" % year,
    "/api/v1/events?overdue=1&limit=50",
    "/api/v1/events/1000",
    "/api/v1/events/indicators?by=town",
    "/api/v1/events/indicators?by=department",
    "/api/v1/events/indicators?by=category&from=%s-01-01" % year,
    "/api/v1/events/indicators?by=town&from=2022-01-01",
    "/api/v1/events/trend",
    "/api/v1/events/live",
    "/open311/v2/requests.json?status=open",
]
for route in ROUTES:
    times = []
    for i in range(rounds + 3):
        r = urllib.request.Request(base + route, headers={"Authorization": "Bearer " + token})
        t0 = time.perf_counter()
        with urllib.request.urlopen(r) as resp:
            resp.read()
        if i >= 3:  # warm-up
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p50 = times[len(times) // 2]
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"FIGURE events_latency_ms p50={p50:.1f} p95={p95:.1f} {route}")
