"""The admin page's audit-action filter offers exactly the actions the hub records."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_audit_filter_lists_every_hub_audit_action():
    swift = (ROOT / "Sources/HopHubCore/Audit/AuditEntry.swift").read_text()
    enum = swift[swift.index("public enum AuditAction"):]
    enum = enum[:enum.index("\n}\n")]
    hub_actions = set(re.findall(r'case \w+ = "([^"]+)"', enum))
    js = (ROOT / "portal/admin/audit.js").read_text()
    listed = js[js.index("export const AUDIT_ACTIONS"):]
    listed = listed[:listed.index("];")]
    page_actions = set(re.findall(r"'([^']+)'", listed))
    assert hub_actions, "no AuditAction cases found"
    assert page_actions == hub_actions, (
        f"missing from the page: {sorted(hub_actions - page_actions)}; unknown to the hub: {sorted(page_actions - hub_actions)}")
