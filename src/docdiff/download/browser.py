"""Open documents in a shared headless Chromium and export them through the site's menu.

Decisions:
- One browser per process, launched at start-up and relaunched on first
  use after it died. Each document gets a fresh browser context that
  carries only the user's cookie and is closed as soon as the file is read,
  so jobs never see each other's sessions.
- Playwright's async API runs on the service's own event loop: no threads,
  no per-call event loops.
- Every wait is for a condition under a deadline, and each deadline ends
  in a coded error. Nothing sleeps for a fixed time.
- A page is classified by whichever indicator appears first: logged in,
  logged out, not found or forbidden. A login wall therefore ends the job
  as soon as it renders, not when a timeout runs out.

NOTE: only the document URL is checked against the allowed hosts. Requests
that the page itself makes to other hosts are not filtered, because a real
editor loads its scripts from a CDN.
"""

import asyncio
import contextlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Download, Page, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from docdiff.download.cookies import Cookie
from docdiff.download.profiles import SiteProfile, host_matches
from docdiff.errors import (
    BrowserCrashed,
    CookieExpired,
    DocdiffError,
    DocumentNotFound,
    DownloadTimeout,
    ExportFailed,
    FileTooLarge,
    PermissionDenied,
)
from docdiff.settings import Settings

logger = logging.getLogger(__name__)

# Fresh contexts kept ready, each with one blank page. Creating a context and
# its page took about 0.2 s per document on a 2-core machine, so a job takes
# one that is ready instead. A spare has never carried a cookie or loaded a
# URL, so it is as fresh as a new one.
SPARE_CONTEXTS = 2


@dataclass
class ExportedFile:
    name: str
    content: bytes


class BrowserPool:
    """The process's Chromium, shared by all jobs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._launch_lock = asyncio.Lock()
        self._slots = asyncio.Semaphore(settings.max_concurrent_downloads)
        self._spares: list[tuple[Browser, BrowserContext, Page]] = []
        self._refill_task: asyncio.Task | None = None
        self.launches = 0

    async def start(self) -> None:
        await self._get_browser()
        self._schedule_refill()

    async def close(self) -> None:
        if self._refill_task is not None:
            self._refill_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, PlaywrightError):
                await self._refill_task
        for _, context, _ in self._spares:
            with contextlib.suppress(PlaywrightError):
                await context.close()
        self._spares.clear()
        if self._browser is not None:
            with contextlib.suppress(PlaywrightError):
                await self._browser.close()
            self._browser = None
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None

    @property
    def connected(self) -> bool:
        return self._browser is not None and self._browser.is_connected()

    async def _get_browser(self) -> Browser:
        async with self._launch_lock:
            if self.connected:
                return self._browser
            if self._playwright is None:
                self._playwright = await async_playwright().start()
            running_as_root = hasattr(os, "geteuid") and os.geteuid() == 0
            try:
                self._browser = await self._playwright.chromium.launch(
                    executable_path=str(self.settings.browser_path),
                    headless=self.settings.browser_headless,
                    args=self.settings.browser_args(running_as_root),
                )
            except PlaywrightError as exc:
                raise BrowserCrashed(detail=f"cannot launch {self.settings.browser_path}: {_first_line(exc)}") from exc
            self.launches += 1
            logger.info("browser launched: %s (launch %d)", self.settings.browser_path, self.launches)
            return self._browser

    @staticmethod
    async def _new_context(browser: Browser) -> tuple[BrowserContext, Page]:
        context = await browser.new_context(accept_downloads=True, locale="zh-CN")
        return context, await context.new_page()

    async def _take_context(self) -> tuple[BrowserContext, Page]:
        """Return a fresh context and page: a spare one when ready, else a new one."""
        browser = await self._get_browser()
        self._schedule_refill()
        while self._spares:
            owner, context, page = self._spares.pop()
            if owner is browser and browser.is_connected() and not page.is_closed():
                return context, page
        return await self._new_context(browser)

    def _schedule_refill(self) -> None:
        if self._refill_task is None or self._refill_task.done():
            self._refill_task = asyncio.create_task(self._refill(), name="browser-spares")

    async def _refill(self) -> None:
        while len(self._spares) < SPARE_CONTEXTS:
            try:
                browser = await self._get_browser()
                context, page = await self._new_context(browser)
            except (PlaywrightError, BrowserCrashed) as exc:
                logger.warning("could not prepare a spare browser context: %s", exc)
                return
            self._spares.append((browser, context, page))

    @contextlib.asynccontextmanager
    async def open_document(self, url: str, cookies: list[Cookie], profile: SiteProfile, side: str):
        """Yield a `DocumentPage` in a fresh context carrying the cookies; close it on exit."""
        async with self._slots:
            try:
                context, page = await self._take_context()
            except PlaywrightError as exc:
                raise BrowserCrashed(stage=side, detail=_first_line(exc)) from exc
            try:
                await context.add_cookies(cookie_records(url, cookies, profile))
                yield DocumentPage(self, context, page, url, profile, side)
            except PlaywrightError as exc:
                raise self.classify(exc, side) from exc
            finally:
                with contextlib.suppress(PlaywrightError):
                    await context.close()

    def classify(self, exc: PlaywrightError, side: str) -> DocdiffError:
        if not self.connected:
            return BrowserCrashed(stage=side, detail=_first_line(exc))
        return ExportFailed(stage=side, reason="browser_error", side=side, detail=_first_line(exc))


def cookie_records(url: str, cookies: list[Cookie], profile: SiteProfile) -> list[dict]:
    """Bind each cookie to the document's origin and to the profile's domains around it.

    Header cookies have no domain of their own: they are set for the document
    URL and for each profile cookie domain that contains its host (so a
    `.qq.com` login cookie reaches `docs.qq.com`). JSON cookies keep theirs.
    """
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    host = parts.hostname or ""
    domains = [d for d in profile.cookie_domains if host == d.lstrip(".") or host.endswith("." + d.lstrip("."))]

    records = []
    for cookie in cookies:
        if cookie.domain:
            records.append(cookie.for_playwright(domain=cookie.domain))
            continue
        records.append(cookie.for_playwright(url=origin))
        records.extend(cookie.for_playwright(domain=domain) for domain in domains)
    return records


class DocumentPage:
    """One document open in its own browser context."""

    def __init__(
        self,
        pool: BrowserPool,
        context: BrowserContext,
        page: Page,
        url: str,
        profile: SiteProfile,
        side: str,
    ) -> None:
        self.pool = pool
        self.context = context
        self.page = page
        self.url = url
        self.profile = profile
        self.side = side

    @property
    def settings(self) -> Settings:
        return self.pool.settings

    async def open(self) -> None:
        """Load the page and wait until it shows it is logged in.

        Raises CookieExpired, DocumentNotFound, PermissionDenied or
        DownloadTimeout according to what the page shows first.
        """
        try:
            response = await self.page.goto(
                self.url, wait_until="domcontentloaded", timeout=self.settings.page_timeout_s * 1000
            )
        except PlaywrightTimeout as exc:
            raise DownloadTimeout(
                stage=self.side, reason="page_load", side=self.side, seconds=f"{self.settings.page_timeout_s:g}"
            ) from exc
        self._check_status(response.status if response else 200)
        await self._wait_for_state()

    def _check_status(self, status: int) -> None:
        if status in (404, 410):
            raise DocumentNotFound(stage=self.side, side=self.side, url=self.url)
        if status == 401:
            # Both documents use the same session, so a logged-out page names no side.
            raise CookieExpired(stage=self.side)
        if status == 403:
            raise PermissionDenied(stage=self.side, side=self.side, url=self.url)
        if status >= 500:
            raise ExportFailed(stage=self.side, reason="http_status", side=self.side, status=status)

    async def _wait_for_state(self) -> None:
        profile = self.profile
        states = [
            ("not_found", profile.not_found),
            ("no_permission", profile.no_permission),
            ("logged_out", profile.logged_out),
            ("logged_in", profile.logged_in),
        ]
        any_state = ", ".join(selector for _, selectors in states for selector in selectors)
        timeout = self.settings.login_timeout_s
        try:
            await self.page.wait_for_selector(any_state, state="visible", timeout=timeout * 1000)
        except PlaywrightTimeout as exc:
            raise DownloadTimeout(stage=self.side, reason="no_state", side=self.side, seconds=f"{timeout:g}") from exc

        for state, selectors in states:
            if await self._any_visible(selectors):
                break
        if state == "not_found":
            raise DocumentNotFound(stage=self.side, side=self.side, url=self.url)
        if state == "no_permission":
            raise PermissionDenied(stage=self.side, side=self.side, url=self.url)
        if state == "logged_out":
            raise CookieExpired(stage=self.side)

    async def _any_visible(self, selectors: list[str]) -> bool:
        for selector in selectors:
            if await self.page.locator(selector).first.is_visible():
                return True
        return False

    async def _visible_fallback(self, selectors: list[str]) -> str:
        """Wait for any of the fallback selectors and return the first one that is visible."""
        timeout = self.settings.step_timeout_s
        try:
            await self.page.wait_for_selector(", ".join(selectors), state="visible", timeout=timeout * 1000)
        except PlaywrightTimeout as exc:
            raise ExportFailed(
                stage=self.side, reason="menu_missing", side=self.side, selector=selectors[0], seconds=f"{timeout:g}"
            ) from exc
        for selector in selectors:
            if await self.page.locator(selector).first.is_visible():
                return selector
        return selectors[0]

    async def export(self, file_format: str) -> ExportedFile:
        """Run the profile's export steps and return the downloaded file."""
        steps = self.profile.export.get(file_format)
        if not steps:
            raise ExportFailed(
                stage=self.side, reason="unsupported", side=self.side, profile=self.profile.name, format=file_format
            )

        for step in steps[:-1]:
            selector = await self._visible_fallback(step.selectors)
            target = self.page.locator(selector).first
            if step.action == "hover":
                await target.hover(timeout=self.settings.step_timeout_s * 1000)
            else:
                await target.click(timeout=self.settings.step_timeout_s * 1000)

        last = steps[-1]
        selector = await self._visible_fallback(last.selectors)
        download = await self._click_and_download(selector)
        return await self._read_download(download)

    async def _click_and_download(self, selector: str) -> Download:
        timeout_ms = self.settings.export_timeout_s * 1000
        download_wait = asyncio.ensure_future(self.page.wait_for_event("download", timeout=timeout_ms))
        error_wait = None
        try:
            await self.page.locator(selector).first.click(timeout=self.settings.step_timeout_s * 1000)
            waits = {download_wait}
            if self.profile.export_error:
                error_wait = asyncio.ensure_future(
                    self.page.wait_for_selector(
                        ", ".join(self.profile.export_error), state="visible", timeout=timeout_ms
                    )
                )
                waits.add(error_wait)
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            if download_wait in done:
                return download_wait.result()
            error_wait.result()
            message = await self.page.locator(", ".join(self.profile.export_error)).first.inner_text()
            raise ExportFailed(stage=self.side, reason="site_error", side=self.side, message=message.strip())
        except PlaywrightTimeout as exc:
            raise DownloadTimeout(
                stage=self.side, reason="no_download", side=self.side, seconds=f"{self.settings.export_timeout_s:g}"
            ) from exc
        finally:
            for wait in (download_wait, error_wait):
                if wait is not None and not wait.done():
                    wait.cancel()
                    with contextlib.suppress(asyncio.CancelledError, PlaywrightError):
                        await wait

    async def _read_download(self, download: Download) -> ExportedFile:
        failure = await download.failure()
        if failure:
            raise ExportFailed(stage=self.side, reason="download_failed", side=self.side, detail=failure)
        name = download.suggested_filename
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="export-", dir=self.settings.data_dir) as folder:
            path = Path(folder) / "export"
            await download.save_as(path)
            size = path.stat().st_size
            limit = self.settings.max_file_bytes
            if size > limit:
                raise FileTooLarge(stage=self.side, side=self.side, size=size, limit=limit)
            content = path.read_bytes()
        with contextlib.suppress(PlaywrightError):
            await download.delete()
        return ExportedFile(name=name, content=content)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


__all__ = ["BrowserPool", "DocumentPage", "ExportedFile", "cookie_records", "host_matches"]
