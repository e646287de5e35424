"""The kiosk's assets come from the service worker's cache at once; the page is revalidated cheaply."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import KIOSK, screenshot
from tests.e2e.pages_kiosk import Kiosk as KioskPage, wait_until

CACHED_ASSET_HAS = """async ([path, text]) => {
    const keys = await (await caches.open('hailong-kiosk-v1')).keys();
    const key = keys.find(r => new URL(r.url).pathname === path);
    return !!key && (await (await caches.match(key)).text()).includes(text);
}"""


def test_assets_come_from_the_cache_and_the_page_is_a_304_when_unchanged(live_server, new_context, session, world):
    context = new_context(KIOSK)
    page = context.new_page()
    kiosk = KioskPage(page, live_server).pair(world.code).wait_offline_ready()
    served = {}
    page.on("response", lambda r: served.__setitem__(r.url.split("?")[0].rsplit("/", 1)[-1],
                                                     (r.from_service_worker, r.status)))
    page.reload()
    expect(kiosk.idle()).to_be_visible()
    assert served["kiosk.js"] == (True, 200) and served["kiosk.css"] == (True, 200)  # no wait for the server
    assert served["queue.js"] == (True, 200)  # the offline queue the kiosk shares with the phones
    # The page asks the server each time, conditionally: unchanged, it is answered without its body.
    etag = page.evaluate("async () => (await fetch('/kiosk', {cache: 'no-cache'})).headers.get('ETag')")
    status = page.evaluate("async (tag) => (await fetch('/kiosk', {headers: {'If-None-Match': tag}, cache: "
                           "'no-store'})).status", etag)
    assert etag and status == 304
    world.unit.name = "UBND xã Đổi Tên Mới"
    session.add(world.unit)
    session.commit()
    page.reload()
    expect(page).to_have_title(re.compile("Đổi Tên Mới"))  # a changed page is shown at once
    assert wait_until(page, f"() => ({CACHED_ASSET_HAS})({['/kiosk', 'Đổi Tên Mới']!r})")  # and kept for offline use
    screenshot(page, "kiosk-assets-from-cache")
