"""The Maps tab: markers coloured by state on a blank base when tiles cannot be fetched (tile URL at a
closed loopback port), outage circles, and GeoJSON layers an admin uploaded (drawn, toggled, text-only popups)."""
import requests
from selenium.webdriver.common.by import By

from browser import browser, console_errors, screenshot, text_of  # noqa: F401 (browser: fixture)
from portal_support import PASSWORD, USERS, PortalHub, open_portal, seed, wait_tab
from waiting import free_port, wait_until

XSS = "<img src=x onerror=window.__xss=1>"
TERRITORY = {
    "type": "FeatureCollection",
    "features": [{
        "type": "Feature", "properties": {"name": "North territory", "note": XSS},
        "geometry": {"type": "Polygon", "coordinates": [[[-122.9, 45.3], [-122.4, 45.3], [-122.4, 45.7], [-122.9, 45.7], [-122.9, 45.3]]]},
    }],
}


def admin_session(hub) -> requests.Session:
    """A requests session signed in as the seeded admin, sending the CSRF token on writes."""
    s = requests.Session()
    r = s.post(hub.url + "/login", json={"email": USERS["admin"][0], "password": PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    s.headers["X-CSRF-Token"] = s.get(hub.url + "/api/session", timeout=10).json()["csrf_token"]
    return s


def test_markers_show_on_a_blank_base_when_tiles_are_unreachable(tmp_path, browser):
    closed = free_port()  # nothing listens there
    hub = PortalHub(tmp_path / "hub-data", HOP_HUB_PORTAL_TILE_URL=f"http://127.0.0.1:{closed}/{{z}}/{{x}}/{{y}}.png",
                    HOP_HUB_PORTAL_TILE_ATTRIBUTION="Tiles by nobody").start()
    try:
        seed(hub)
        open_portal(browser, hub, "operator", "#tab=maps")
        wait_tab(browser, "maps")
        wait_until(lambda: len(browser.find_elements(By.CSS_SELECTOR, "#map path.marker")) == 3, what="three markers")
        classes = set(browser.execute_script(
            "return [...document.querySelectorAll('#map path.marker')].map(p => p.classList[1])"))
        assert classes == {"marker-outage", "marker-anomaly"}  # SUB001/SUB002 outages, SUB003 anomaly
        assert len(browser.find_elements(By.CSS_SELECTOR, "#map path.outage-area")) == 2
        # The browser tried the configured tile server and failed; the page says so and keeps the markers.
        wait_until(lambda: "could not be loaded" in text_of(browser, "#map-notice"), timeout=10,
                   what="the tile failure notice")
        tiles = browser.execute_script("return [...document.querySelectorAll('.leaflet-tile')].map(t => t.src)")
        assert tiles and all(t.startswith(f"http://127.0.0.1:{closed}/") for t in tiles)
        assert text_of(browser, "#map-attribution") == "Tiles by nobody"
        # Every marker lies inside the visible map area (the view was fitted to them).
        inside = lambda: browser.execute_script("""
            const m = document.getElementById('map').getBoundingClientRect();
            return [...document.querySelectorAll('#map path.marker')].map(p => p.getBoundingClientRect())
              .every(r => r.width > 0 && r.left >= m.left && r.right <= m.right && r.top >= m.top && r.bottom <= m.bottom)""")
        wait_until(inside, timeout=5, what="every marker inside the map view")
        screenshot(browser, "portal-maps-no-tiles")
        assert console_errors(browser, ignore=(f"127.0.0.1:{closed}",)) == []
    finally:
        hub.stop()


def test_admin_geojson_layer_is_drawn_and_toggled(tmp_path, browser):
    hub = PortalHub(tmp_path / "hub-data").start()
    try:
        seed(hub, scored=False)
        admin = admin_session(hub)
        r = admin.put(hub.url + "/api/admin/layers/territory", json=TERRITORY, timeout=10)
        assert r.status_code == 200, r.text
        open_portal(browser, hub, "operator", "#tab=maps")
        wait_tab(browser, "maps")
        wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#map path.layer-territory"), what="the territory polygon")
        toggle = browser.find_element(By.CSS_SELECTOR, "#map-layers input[data-layer=territory]")
        assert toggle.is_selected() and "territory" in text_of(browser, "#map-layers")
        browser.execute_script(
            "document.querySelector('#map path.layer-territory').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        wait_until(lambda: browser.execute_script(
            "const p = document.querySelector('.leaflet-popup-content'); return p && p.textContent"), what="the layer popup")
        popup = browser.execute_script("return document.querySelector('.leaflet-popup-content').textContent")
        assert "North territory" in popup and XSS in popup
        assert browser.execute_script("return window.__xss") is None
        toggle.click()
        wait_until(lambda: not browser.find_elements(By.CSS_SELECTOR, "#map path.layer-territory"), what="the layer to hide")
        toggle.click()
        wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#map path.layer-territory"), what="the layer to show again")
        assert console_errors(browser) == []
    finally:
        hub.stop()
