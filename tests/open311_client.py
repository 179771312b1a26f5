#!/usr/bin/env python3
"""An independent Open311 GeoReport v2 client (Python standard library only).

Checks a running server from outside, the way a third-party reporting app
would: lists services, posts a form-encoded request, follows it by id and by
the standard filters, and checks the error shape of malformed posts.

    python3 tests/open311_client.py http://127.0.0.1:8080
Exits non-zero with a message on the first mismatch.
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE = sys.argv[1].rstrip("/") + "/open311/v2"


def call(method, path, form=None, content_type="application/x-www-form-urlencoded"):
    data = None
    headers = {"Accept": "application/json"}
    if form is not None:
        data = form if isinstance(form, bytes) else urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = content_type
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read().decode())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read().decode())


def check(cond, message):
    if not cond:
        print("open311 client: FAIL:", message)
        sys.exit(1)


status, discovery = call("GET", "/discovery.json")
check(status == 200 and isinstance(discovery, dict), "discovery.json answers an object")
for key in ("changeset", "contact", "key_service", "endpoints"):
    check(key in discovery, f"discovery has {key}")
endpoint = discovery["endpoints"][0]
check(endpoint.get("specification") == "http://wiki.open311.org/GeoReport_v2", "discovery names GeoReport v2")
check(endpoint.get("url", "").endswith("/open311/v2"), "discovery names the v2 endpoint")
check("application/json" in endpoint.get("formats", []), "discovery lists the JSON format")

status, services = call("GET", "/services.json")
check(status == 200 and isinstance(services, list) and services, "services.json lists services")
for s in services:
    for key in ("service_code", "service_name", "description", "metadata", "type", "keywords", "group"):
        check(key in s, f"service has {key}")
code = next(s["service_code"] for s in services if s["service_code"] == "illegal_parking")
status, definition = call("GET", f"/services/{code}.json")
check(status == 200 and definition["service_code"] == code, "service definition")

form = {"api_key": "client-key", "service_code": code, "lat": "30.6205", "long": "120.5505",
        "description": "人行道上停了一排电动车 (open311 client)", "media_url": "https://example.org/p.jpg",
        "first_name": "三", "last_name": "张", "phone": "13700000000"}
status, created = call("POST", "/requests.json", form)
check(status in (200, 201), f"POST requests.json answers 200/201, got {status} {created}")
check(isinstance(created, list) and len(created) == 1, "POST answers a one-element array")
rid = created[0]["service_request_id"]
check(rid and "service_notice" in created[0], "service_request_id and service_notice")

status, one = call("GET", f"/requests/{rid}.json")
check(status == 200 and len(one) == 1, "requests/{id}.json")
r = one[0]
check(r["service_request_id"] == rid and r["status"] == "open", "the new request is open")
check(r["service_code"] == code and r["description"] == form["description"], "fields round-trip")
check(abs(r["lat"] - 30.6205) < 1e-6 and abs(r["long"] - 120.5505) < 1e-6, "lat/long round-trip")
check(r["media_url"] == form["media_url"], "media_url round-trip")
check("13700000000" not in json.dumps(r, ensure_ascii=False), "contact is never published")
for key in ("status_notes", "service_name", "agency_responsible", "requested_datetime", "updated_datetime", "address"):
    check(key in r, f"request has {key}")

status, listed = call("GET", "/requests.json?" + urllib.parse.urlencode({"service_request_id": rid}))
check(status == 200 and [x["service_request_id"] for x in listed] == [rid], "filter by service_request_id")
status, listed = call("GET", "/requests.json?" + urllib.parse.urlencode({"service_code": code, "status": "open"}))
check(status == 200 and rid in [x["service_request_id"] for x in listed], "filter by service_code and status=open")
check(all(x["status"] == "open" for x in listed), "status=open gives open requests only")
status, listed = call("GET", "/requests.json?" + urllib.parse.urlencode({"status": "closed", "service_code": code}))
check(status == 200 and rid not in [x["service_request_id"] for x in listed], "status=closed excludes it")
status, listed = call("GET", "/requests.json?" + urllib.parse.urlencode({"start_date": "2099-01-01T00:00:00Z"}))
check(status == 200 and listed == [], "start_date in the future gives nothing")

before = len(call("GET", "/requests.json")[1])
for bad, expected in ((dict(lat="30.6", long="120.5"), 400),
                      (dict(service_code=code), 400),
                      (dict(service_code=code, lat="x", long="120.5"), 400),
                      (dict(service_code="no_such_service", lat="30.6", long="120.5"), 400)):
    status, errors = call("POST", "/requests.json", bad)
    check(status == expected, f"malformed post {bad} → {expected}, got {status}")
    check(isinstance(errors, list) and errors and "code" in errors[0] and "description" in errors[0],
          "errors are [{code, description}]")
status, errors = call("POST", "/requests.json", b'{"service_code":"graffiti"}', "application/json")
check(status == 400 and errors[0]["code"] == 400, "JSON body refused")
check(len(call("GET", "/requests.json")[1]) == before, "malformed posts wrote nothing")
status, errors = call("GET", "/requests/TX99999999.json")
check(status == 404 and errors[0]["code"] == 404, "unknown request → 404")
status, errors = call("GET", "/services/no_such_service.json")
check(status == 404, "unknown service → 404")
print(f"open311 client: OK ({len(services)} services, request {rid})")
