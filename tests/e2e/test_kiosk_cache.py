"""The kiosk page comes from the service worker's cache at once and is refreshed in the background."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import KIOSK, screenshot
from tests.e2e.pages_kiosk import Kiosk as KioskPage, wait_until

CACHED_PAGE_TEXT = """async (name) => {
    const hit = await (await caches.open('hailong-kiosk-v1')).match('/kiosk');
    return !!hit && (await hit.text()).includes(name);
}"""


def test_reload_is_answered_from_the_cache_then_revalidated(live_server, new_context, session, world):
    context = new_context(KIOSK)
    page = context.new_page()
    kiosk = KioskPage(page, live_server).pair(world.code).wait_offline_ready()
    old_name, new_name = world.unit.name, "UBND xã Đổi Tên Mới"
    world.unit.name = new_name
    session.add(world.unit)
    session.commit()
    navigations = []
    page.on("response", lambda r: navigations.append(r.from_service_worker) if r.request.is_navigation_request() else None)
    page.reload()
    expect(kiosk.idle()).to_be_visible()
    expect(page).to_have_title(re.compile(re.escape(old_name)))  # the cached copy, without waiting for the server
    assert navigations == [True]
    assert wait_until(page, f"() => ({CACHED_PAGE_TEXT})({new_name!r})")  # refreshed behind the page's back
    page.reload()
    expect(page).to_have_title(re.compile(re.escape(new_name)))
    screenshot(page, "kiosk-cached-then-revalidated")
