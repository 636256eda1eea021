"""The browser download against the demo site, through the `tencent` profile's real steps."""

import asyncio
import time

import pytest

from docdiff.diff import load_table
from docdiff.download import BrowserPool, parse_cookies, resolve_profile
from docdiff.errors import BrowserCrashed, CookieExpired, DocumentNotFound, ExportFailed, PermissionDenied
from tests.servers import DOCUMENTS

BASELINE = "tencent-plan-xhs.baseline"


@pytest.fixture(scope="module")
async def pool(site_settings):
    pool = BrowserPool(site_settings.model_copy(update={"step_timeout_s": 2.0}))
    await pool.start()
    yield pool
    await pool.close()


async def export(pool, site, doc_id, cookie=None, file_format="csv"):
    url = site.sheet(doc_id)
    profile = resolve_profile(url, pool.settings)
    cookies = parse_cookies(cookie or site.cookie)
    async with pool.open_document(url, cookies, profile, "baseline") as document:
        await document.open()
        return await document.export(file_format)


async def test_csv_export_returns_original_bytes(pool, site):
    exported = await export(pool, site, BASELINE)
    original = (DOCUMENTS / "tencent-plan-xhs" / "baseline.csv").read_bytes()
    assert exported.content == original
    assert exported.name.endswith(".csv")


async def test_xlsx_export_has_same_cells(pool, site):
    exported = await export(pool, site, "sp500-2024.baseline", file_format="xlsx")
    from_xlsx = load_table(exported.content, exported.name)
    from_csv = load_table((DOCUMENTS / "sp500-2024" / "baseline.csv").read_bytes(), "baseline.csv")
    assert from_xlsx.format == "xlsx"
    assert from_xlsx.header == from_csv.header
    assert from_xlsx.data.equals(from_csv.data)


async def test_wrong_cookie_is_cookie_expired_quickly(pool, site):
    started = time.monotonic()
    with pytest.raises(CookieExpired) as caught:
        await export(pool, site, BASELINE, cookie="demo_sid=not-a-session")
    assert time.monotonic() - started < 5.0
    assert caught.value.code == "cookie_expired"


async def test_expired_session_is_cookie_expired(pool, site):
    site.set_knobs(session_expired=True)
    with pytest.raises(CookieExpired):
        await export(pool, site, BASELINE)


async def test_unknown_document_is_not_found(pool, site):
    with pytest.raises(DocumentNotFound) as caught:
        await export(pool, site, "no-such-document")
    assert "no-such-document" in caught.value.message("en")


async def test_forbidden_document_is_permission_denied(pool, site):
    site.set_knobs(forbidden=[BASELINE])
    with pytest.raises(PermissionDenied):
        await export(pool, site, BASELINE)


async def test_failed_export_is_export_failed(pool, site):
    site.set_knobs(export_failure=True)
    started = time.monotonic()
    with pytest.raises(ExportFailed) as caught:
        await export(pool, site, BASELINE)
    assert time.monotonic() - started < pool.settings.export_timeout_s
    assert caught.value.retryable


async def test_missing_menu_is_export_failed(pool, site):
    site.set_knobs(missing_menu=True)
    with pytest.raises(ExportFailed) as caught:
        await export(pool, site, BASELINE)
    assert "titlebar-icon-more" in caught.value.message("en")


async def test_concurrent_exports_share_one_browser(pool, site):
    launches = pool.launches
    results = await asyncio.gather(*(export(pool, site, BASELINE) for _ in range(4)))
    assert len({len(result.content) for result in results}) == 1
    assert pool.launches == launches


async def test_browser_relaunches_after_crash(pool, site):
    await pool._browser.close()
    assert not pool.connected
    exported = await export(pool, site, BASELINE)
    assert exported.content
    assert pool.connected


async def test_browser_crash_mid_job_is_browser_crashed(pool, site):
    url = site.sheet(BASELINE)
    profile = resolve_profile(url, pool.settings)
    with pytest.raises(BrowserCrashed):
        async with pool.open_document(url, parse_cookies(site.cookie), profile, "baseline") as document:
            await document.open()
            await pool._browser.close()
            await document.export("csv")
    exported = await export(pool, site, BASELINE)
    assert exported.content
