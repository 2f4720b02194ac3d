"""Page routes and security headers of a real hop-hub, and the portal endpoints against the OpenAPI document.

- `/` redirects to `/portal/`; `/login` and `/admin` (and `/admin/`) serve the pages from portal/;
- every page and static response carries the CSP, nosniff, no-referrer and frame-deny headers;
- ES modules are served as text/javascript, vendor libraries from /vendor/;
- `/api/portal/config`, `/api/query/summary` and a layer upload answer with their documented schemas;
- a layer upload needs the admin scope and is audited.
"""
import json
import pathlib

import pytest
import requests

from conftest import ROOT
from test_openapi_contract import assert_valid, load_spec, response_schema

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
CSP_PARTS = ["default-src 'self'", "img-src 'self' data: https://tile.openstreetmap.org", "style-src 'self'",
             "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"]


def assert_security_headers(r: requests.Response, what: str):
    for name, value in HEADERS.items():
        assert r.headers.get(name) == value, f"{what}: {name} = {r.headers.get(name)!r}"
    csp = [part.strip() for part in r.headers.get("Content-Security-Policy", "").split(";")]
    assert csp == CSP_PARTS, f"{what}: {csp}"


def test_page_routes_serve_the_portal_files_with_security_headers(hub):
    root = requests.get(hub.url + "/", allow_redirects=False, timeout=10)
    assert root.status_code == 302 and root.headers["Location"] == "/portal/"
    assert_security_headers(root, "/")
    pages = {"/portal/": "portal/index.html", "/login": "portal/login.html", "/admin": "portal/admin/index.html",
             "/admin/": "portal/admin/index.html"}
    for path, file in pages.items():
        r = requests.get(hub.url + path, timeout=10)
        if not (ROOT / file).exists():
            assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", path
            continue
        assert r.status_code == 200, f"{path}: {r.status_code} {r.text[:200]}"
        assert r.headers["Content-Type"].startswith("text/html"), path
        assert r.content == (ROOT / file).read_bytes(), f"{path} is not {file}"
        assert_security_headers(r, path)
    # No inline scripts anywhere in the pages: CSP script-src 'self' would block them.
    for html in (ROOT / "portal").rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "<script>" not in text.replace(" ", ""), f"{html} has an inline script"


def test_static_files_have_the_right_types_and_headers(hub):
    modules = sorted((ROOT / "portal").rglob("*.js"))
    assert modules, "the portal has no JavaScript files"
    for module in modules[:10]:
        path = "/" + str(module.relative_to(ROOT))
        r = requests.get(hub.url + path, timeout=10)
        assert r.status_code == 200, path
        assert r.headers["Content-Type"].startswith("text/javascript"), (path, r.headers["Content-Type"])
        assert_security_headers(r, path)
    vendor = pathlib.Path("/usr/share/javascript/leaflet/leaflet.js")
    if vendor.exists():
        r = requests.get(hub.url + "/vendor/leaflet/leaflet.js", timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/javascript")
        assert_security_headers(r, "/vendor/leaflet/leaflet.js")
    missing = requests.get(hub.url + "/portal/nope.js", timeout=10)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


LAYER = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "North territory"},
     "geometry": {"type": "Polygon", "coordinates": [[[-122.7, 45.5], [-122.6, 45.5], [-122.6, 45.6], [-122.7, 45.5]]]}},
    {"type": "Feature", "properties": None, "geometry": {"type": "Point", "coordinates": [-122.67, 45.52]}}]}


@pytest.mark.both_backends
def test_portal_endpoints_match_their_documented_schemas(hub):
    spec = load_spec()
    admin = hub.create_key("layers-admin", scope="read,admin")
    reader = hub.create_key("reader", scope="read")
    ingest = hub.create_key("ingester", scope="ingest")
    r = requests.post(hub.url + "/api/ingest/telemetry", headers={"X-API-Key": ingest}, timeout=10, json={
        "substation_id": "SUB001", "feeder_id": "FDR001", "site_name": "Portland North", "latitude": 45.52,
        "longitude": -122.67, "voltage_kv": 229.8, "frequency_hz": 60.002})
    assert r.status_code == 200, r.text
    # Layers: only admins upload; uploads are audited; everyone with read fetches.
    body = json.dumps(LAYER)
    refused = requests.put(hub.url + "/api/admin/layers/territory", data=body, timeout=10,
                           headers={"X-API-Key": reader, "Content-Type": "application/geo+json"})
    assert refused.status_code == 403
    put = requests.put(hub.url + "/api/admin/layers/territory", data=body, timeout=10,
                       headers={"X-API-Key": admin, "Content-Type": "application/geo+json"})
    assert put.status_code == 200, put.text
    assert_valid(spec, response_schema(spec, "/api/admin/layers/{name}", "put", "200"), put.json(), "PUT layer")
    got = requests.get(hub.url + "/api/portal/layers/territory", headers={"X-API-Key": reader}, timeout=10)
    assert got.status_code == 200 and got.json() == LAYER
    assert got.headers["Content-Type"] == "application/geo+json"
    config = requests.get(hub.url + "/api/portal/config", headers={"X-API-Key": reader}, timeout=10)
    assert config.status_code == 200
    assert_valid(spec, response_schema(spec, "/api/portal/config", "get", "200"), config.json(), "GET /api/portal/config")
    assert config.json()["map"]["layers"] == ["territory"]
    # The seed's band and the default (seed) preset's alarm limits, persistence, UFLS level and RoCoF limit.
    assert config.json()["frequency"] == {
        "preset": "seed", "nominal_hz": 60.0, "band_low_hz": 59.85, "band_high_hz": 60.15, "alarm_low_hz": 59.85,
        "alarm_high_hz": 60.15, "persistence_s": 30, "ufls_warning_hz": 59.5, "rocof_limit_hz_per_s": 0.1}
    summary = requests.get(hub.url + "/api/query/summary?minutes=60", headers={"X-API-Key": reader}, timeout=10)
    assert summary.status_code == 200
    assert_valid(spec, response_schema(spec, "/api/query/summary", "get", "200"), summary.json(), "GET /api/query/summary")
    assert summary.json()["substations"]["total"] == 1 and summary.json()["grid_health_pct"] == 100.0
    bad = requests.put(hub.url + "/api/admin/layers/Bad_Name", data=body, timeout=10,
                       headers={"X-API-Key": admin, "Content-Type": "application/geo+json"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "name"
    deleted = requests.delete(hub.url + "/api/admin/layers/territory", headers={"X-API-Key": admin}, timeout=10)
    assert deleted.status_code == 200
    entries = requests.get(hub.url + "/api/admin/audit?target=territory", headers={"X-API-Key": admin}, timeout=10)
    assert entries.status_code == 200, entries.text
    actions = [(e["action"], e["outcome"]) for e in entries.json()]
    assert ("map.layer_upload", "success") in actions and ("map.layer_delete", "success") in actions, actions
