"""Tests of the demo document site, run as `python -m docdiff.demo_site` under a
real uvicorn server and driven by httpx and real Chromium through Playwright."""

import csv
import io
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastexcel
import httpx
import openpyxl
import pytest
import pytest_asyncio
import xlsxwriter
from playwright.async_api import Browser, BrowserContext, Download, Page, async_playwright

REPO_DIR = Path(__file__).resolve().parents[1]
SRC_DIR = REPO_DIR / "src"
DOCUMENTS_DIR = SRC_DIR / "docdiff" / "demo_site" / "documents"
PLAN_CSV = DOCUMENTS_DIR / "tencent-plan-xhs" / "baseline.csv"
SP500_CSV = DOCUMENTS_DIR / "sp500-2024" / "baseline.csv"

SESSION_TOKEN = secrets.token_urlsafe(24)
SESSION_COOKIE = "demo_sid"
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_S = 20.0
STEP_TIMEOUT_MS = 10_000
DEFAULT_KNOBS = {
    "page_latency_ms": 0,
    "export_latency_ms": 0,
    "export_failure": False,
    "missing_menu": False,
    "forbidden": [],
    "session_expired": False,
}

MORE_BUTTON = ".titlebar-icon.titlebar-icon-more"
EXPORT_AS_ITEM = "li.mainmenu-submenu-exportAs"
EXPORT_CSV_ITEM = "li.mainmenu-item-export-csv"
EXPORT_XLSX_ITEM = "li.mainmenu-item-export-local"
ERROR_TOAST = "div.dui-toast.dui-toast-error"


# --- Helpers -----------------------------------------------------------------


@dataclass
class DemoServer:
    base_url: str
    process: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], bool], timeout_s: float, description: str) -> None:
    """Poll `condition` until it is true, and fail the test after `timeout_s` seconds."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s} s waiting for {description}")
        time.sleep(0.05)


def demo_site_env() -> dict[str, str]:
    # PYTHONPATH makes the tests work whether or not docdiff is installed in the venv.
    python_path = os.pathsep.join(filter(None, [str(SRC_DIR), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "DOCDIFF_DEMO_SESSION": SESSION_TOKEN, "PYTHONPATH": python_path}


def run_demo_site_cli(*args: str, lang: str = "en_US.UTF-8") -> subprocess.CompletedProcess[str]:
    """Run the demo site command line to completion, for options that exit at once, with its messages in `lang`."""
    env = {**demo_site_env(), "LANG": lang}
    env.pop("LC_ALL", None)
    env.pop("LC_MESSAGES", None)
    return subprocess.run(
        [sys.executable, "-m", "docdiff.demo_site", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=STARTUP_TIMEOUT_S,
    )


def is_healthy(server: DemoServer) -> bool:
    if server.process.poll() is not None:
        stderr = server.stderr_path.read_text(errors="replace")
        pytest.fail(f"demo site exited with status {server.process.returncode}:\n{stderr}")
    try:
        response = httpx.get(server.url("/healthz"), timeout=1.0)
    except httpx.TransportError:
        return False
    return response.status_code == 200 and response.json() == {"status": "ok"}


@contextmanager
def running_demo_site(log_dir: Path, *args: str) -> Iterator[DemoServer]:
    """Start the demo site in a subprocess, wait for /healthz, and stop it on exit."""
    port = free_port()
    stdout_path = log_dir / "stdout.txt"
    stderr_path = log_dir / "stderr.txt"
    command = [
        sys.executable, "-m", "docdiff.demo_site",
        "--host", "127.0.0.1", "--port", str(port), *args,
    ]
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = subprocess.Popen(command, env=demo_site_env(), stdout=stdout, stderr=stderr)
    server = DemoServer(f"http://127.0.0.1:{port}", process, stdout_path, stderr_path)
    try:
        wait_until(lambda: is_healthy(server), STARTUP_TIMEOUT_S, "demo site /healthz")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def read_csv_rows(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def read_xlsx_rows(data: bytes | Path) -> list[list[str]]:
    source = data if isinstance(data, bytes) else str(data)
    sheet = fastexcel.read_excel(source).load_sheet(
        0, header_row=None, skip_rows=0, dtypes="string"
    )
    return [["" if cell is None else cell for cell in row] for row in sheet.to_polars().rows()]


def logged_in_client(server: DemoServer) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, cookies={SESSION_COOKIE: SESSION_TOKEN})


def export_url(client: httpx.Client, doc_id: str, export_format: str) -> dict[str, Any]:
    response = client.post(f"/api/sheet/{doc_id}/export", json={"format": export_format})
    assert response.status_code == 200, response.text
    return response.json()


# --- Fixtures ----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with running_demo_site(tmp_path_factory.mktemp("demo_site")) as server:
        yield server


@pytest.fixture
def knobs(demo_server: DemoServer) -> Iterator[Callable[..., None]]:
    """Set knobs on the shared demo site for one test, and reset them afterwards."""

    def set_knobs(**values: Any) -> None:
        response = httpx.put(demo_server.url("/_demo/knobs"), json=values)
        assert response.status_code == 200, response.text

    yield set_knobs
    httpx.post(demo_server.url("/_demo/knobs/reset")).raise_for_status()


@pytest.fixture(scope="module")
def xlsx_documents_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A documents folder with an xlsx document and Chinese file names in a subfolder."""
    folder = tmp_path_factory.mktemp("xlsx_documents")
    (folder / "报表").mkdir()
    workbook = xlsxwriter.Workbook(str(folder / "报表" / "季度汇总.xlsx"))
    worksheet = workbook.add_worksheet("汇总")
    rows = [["地区", "销售额", "备注"], ["华东", "1200", "含\n换行"], ["华南", "", "空单元格"]]
    for row_index, row in enumerate(rows):
        for column_index, value in enumerate(row):
            worksheet.write_string(row_index, column_index, value)
    workbook.close()
    (folder / "报表" / "项目计划.csv").write_bytes("\ufeff序号,任务\n1,上线\n".encode())
    return folder


@pytest.fixture(scope="module")
def xlsx_server(
    tmp_path_factory: pytest.TempPathFactory, xlsx_documents_dir: Path
) -> Iterator[DemoServer]:
    log_dir = tmp_path_factory.mktemp("xlsx_site")
    with running_demo_site(log_dir, "--documents", str(xlsx_documents_dir)) as server:
        yield server


@pytest_asyncio.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS
        )
        yield browser
        await browser.close()


@pytest_asyncio.fixture
async def context(browser: Browser, demo_server: DemoServer) -> AsyncIterator[BrowserContext]:
    """A browser context logged in to the demo site."""
    context = await browser.new_context(accept_downloads=True)
    await context.add_cookies(
        [{"name": SESSION_COOKIE, "value": SESSION_TOKEN, "url": demo_server.base_url}]
    )
    yield context
    await context.close()


async def open_sheet(context: BrowserContext, server: DemoServer, doc_id: str) -> Page:
    """Open a sheet and wait for the more button, which appears after the grid renders."""
    page = await context.new_page()
    await page.goto(server.url(f"/sheet/{doc_id}"))
    await page.locator(MORE_BUTTON).wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
    return page


async def export_through_menu(page: Page, item_selector: str, tmp_path: Path) -> Path:
    """Export through more → 导出为 → item, as docdiff does, and save the download."""
    await page.click(MORE_BUTTON)
    await page.hover(EXPORT_AS_ITEM)
    async with page.expect_download(timeout=STEP_TIMEOUT_MS) as download_info:
        await page.click(item_selector)
    download: Download = await download_info.value
    saved_path = tmp_path / download.suggested_filename
    await download.save_as(saved_path)
    return saved_path


# --- Command line ------------------------------------------------------------


def test_cli_prints_urls_and_cookie(demo_server: DemoServer) -> None:
    output = demo_server.stdout_path.read_text(encoding="utf-8")

    assert f"{SESSION_COOKIE}={SESSION_TOKEN}" in output
    assert demo_server.url("/sheet/tencent-plan-xhs.baseline") in output
    assert demo_server.url("/sheet/sp500-2024.target") in output


def test_cli_help_exits_zero() -> None:
    result = run_demo_site_cli("--help")

    assert result.returncode == 0
    assert "--session-token-file" in result.stdout


def test_cli_missing_documents_folder(tmp_path: Path) -> None:
    result = run_demo_site_cli("--documents", str(tmp_path / "missing"))

    assert result.returncode == 2
    assert "documents folder not found" in result.stderr


def test_cli_documents_folder_without_sheets(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a sheet", encoding="utf-8")

    result = run_demo_site_cli("--documents", str(tmp_path))

    assert result.returncode == 2
    assert "no .csv or .xlsx file found" in result.stderr


def test_cli_documents_errors_in_chinese(tmp_path: Path) -> None:
    sheet = tmp_path / "a.csv"
    sheet.write_text("id\n1\n", encoding="utf-8")

    missing = run_demo_site_cli("--documents", str(tmp_path / "missing"), lang="zh_CN.UTF-8")
    a_file = run_demo_site_cli("--documents", str(sheet), lang="zh_CN.UTF-8")

    assert missing.returncode == 2
    assert f"文档文件夹 {tmp_path / 'missing'} 不存在" in missing.stderr
    assert a_file.returncode == 2
    assert f"{sheet} 是文件，不是文件夹" in a_file.stderr
    assert "not found" not in missing.stderr + a_file.stderr


def test_cli_session_token_errors_in_chinese(tmp_path: Path) -> None:
    empty = tmp_path / "token"
    empty.write_text("", encoding="utf-8")

    empty_token = run_demo_site_cli("--session-token-file", str(empty), lang="zh_CN.UTF-8")
    folder = run_demo_site_cli("--session-token-file", str(tmp_path), lang="zh_CN.UTF-8")

    assert empty_token.returncode == 2
    assert "会话令牌不能为空" in empty_token.stderr
    assert "Value error" not in empty_token.stderr
    assert folder.returncode == 2
    assert f"无法读取 --session-token-file {tmp_path}：这是一个文件夹" in folder.stderr


def test_cli_session_token_file_rejects_spaces(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("two words", encoding="utf-8")

    result = run_demo_site_cli("--session-token-file", str(token_file))

    assert result.returncode == 2
    assert "session token" in result.stderr
    assert "two words" not in result.stderr


# --- Pages and API over HTTP -------------------------------------------------


def test_healthz(demo_server: DemoServer) -> None:
    response = httpx.get(demo_server.url("/healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_index_links_every_document(demo_server: DemoServer) -> None:
    page = httpx.get(demo_server.url("/")).text

    for doc_id in [
        "tencent-plan-xhs.baseline",
        "tencent-plan-xhs.target-stars",
        "tencent-plan-xhs.target-retitled",
        "sp500-2024.baseline",
        "sp500-2024.target",
    ]:
        assert f'href="/sheet/{doc_id}"' in page


@pytest.mark.parametrize("cookies", [{}, {SESSION_COOKIE: "wrong-token"}], ids=["none", "wrong"])
def test_sheet_login_wall(demo_server: DemoServer, cookies: dict[str, str]) -> None:
    response = httpx.get(demo_server.url("/sheet/sp500-2024.baseline"), cookies=cookies)

    assert response.status_code == 200
    assert '<button class="login-btn" id="header-login-btn">登录</button>' in response.text
    assert "登录后查看" in response.text
    assert "mainmenu" not in response.text
    assert "canvasContainer" not in response.text
    assert "Industrials" not in response.text


def test_sheet_unknown_document_404(demo_server: DemoServer) -> None:
    response = httpx.get(
        demo_server.url("/sheet/no-such.document"), cookies={SESSION_COOKIE: SESSION_TOKEN}
    )

    assert response.status_code == 404
    assert '<div class="doc-not-found">' in response.text
    assert "文档不存在或已删除" in response.text


def test_sheet_logged_in_page(demo_server: DemoServer) -> None:
    with logged_in_client(demo_server) as client:
        response = client.get("/sheet/sp500-2024.baseline")

    assert response.status_code == 200
    assert '<div id="canvasContainer">' in response.text
    assert '<div class="titlebar">' in response.text
    assert "baseline" in response.text
    assert "login-btn" not in response.text


def test_cells_require_session(demo_server: DemoServer) -> None:
    response = httpx.get(demo_server.url("/api/sheet/sp500-2024.baseline/cells"))

    assert response.status_code == 401


def test_cells_return_csv_rows(demo_server: DemoServer) -> None:
    with logged_in_client(demo_server) as client:
        response = client.get("/api/sheet/tencent-plan-xhs.baseline/cells")

    assert response.status_code == 200
    assert response.json() == read_csv_rows(PLAN_CSV)


def test_export_requires_session(demo_server: DemoServer) -> None:
    response = httpx.post(
        demo_server.url("/api/sheet/sp500-2024.baseline/export"), json={"format": "csv"}
    )

    assert response.status_code == 401


def test_export_rejects_unknown_format(demo_server: DemoServer) -> None:
    with logged_in_client(demo_server) as client:
        response = client.post("/api/sheet/sp500-2024.baseline/export", json={"format": "pdf"})

    assert response.status_code == 422


def test_download_token_is_single_use(demo_server: DemoServer) -> None:
    with logged_in_client(demo_server) as client:
        export = export_url(client, "sp500-2024.baseline", "csv")
        first = client.get(export["url"])
        second = client.get(export["url"])

    assert export["filename"] == "baseline.csv"
    assert first.status_code == 200
    assert first.content == SP500_CSV.read_bytes()
    assert first.headers["content-disposition"].startswith("attachment;")
    assert second.status_code == 404


def test_export_failure_knob_returns_500(
    demo_server: DemoServer, knobs: Callable[..., None]
) -> None:
    knobs(export_failure=True)

    with logged_in_client(demo_server) as client:
        response = client.post("/api/sheet/sp500-2024.baseline/export", json={"format": "csv"})

    assert response.status_code == 500
    assert response.json() == {"error": "export_failed"}


def test_forbidden_knob_shows_no_permission(
    demo_server: DemoServer, knobs: Callable[..., None]
) -> None:
    knobs(forbidden=["sp500-2024.target"])

    with logged_in_client(demo_server) as client:
        page = client.get("/sheet/sp500-2024.target")
        cells = client.get("/api/sheet/sp500-2024.target/cells")
        other_page = client.get("/sheet/sp500-2024.baseline")

    assert page.status_code == 200
    assert '<div class="doc-no-permission">' in page.text
    assert "你没有该文档的访问权限" in page.text
    assert "mainmenu" not in page.text
    assert "canvasContainer" not in page.text
    assert cells.status_code == 403
    assert "canvasContainer" in other_page.text


def test_session_expired_knob_logs_out(
    demo_server: DemoServer, knobs: Callable[..., None]
) -> None:
    knobs(session_expired=True)

    with logged_in_client(demo_server) as client:
        page = client.get("/sheet/sp500-2024.baseline")
        cells = client.get("/api/sheet/sp500-2024.baseline/cells")

    assert 'id="header-login-btn"' in page.text
    assert "canvasContainer" not in page.text
    assert cells.status_code == 401


def test_page_latency_knob_delays_page(
    demo_server: DemoServer, knobs: Callable[..., None]
) -> None:
    knobs(page_latency_ms=300)

    started = time.monotonic()
    response = httpx.get(demo_server.url("/sheet/sp500-2024.baseline"))
    elapsed_s = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed_s >= 0.3


# --- Knobs -------------------------------------------------------------------


def test_knobs_get_put_reset(demo_server: DemoServer) -> None:
    with httpx.Client(base_url=demo_server.base_url) as client:
        initial = client.get("/_demo/knobs").json()
        updated = client.put("/_demo/knobs", json={"export_latency_ms": 50, "missing_menu": True})
        after_update = client.get("/_demo/knobs").json()
        reset = client.post("/_demo/knobs/reset")
        after_reset = client.get("/_demo/knobs").json()

    assert initial == DEFAULT_KNOBS
    assert updated.status_code == 200
    assert after_update == {**DEFAULT_KNOBS, "export_latency_ms": 50, "missing_menu": True}
    assert reset.status_code == 200
    assert after_reset == DEFAULT_KNOBS


@pytest.mark.parametrize(
    "body",
    [{"no_such_knob": True}, {"page_latency_ms": -1}, {"forbidden": "not-a-list"}],
    ids=["unknown", "negative", "wrong-type"],
)
def test_knobs_reject_invalid_update(demo_server: DemoServer, body: dict[str, Any]) -> None:
    with httpx.Client(base_url=demo_server.base_url) as client:
        response = client.put("/_demo/knobs", json=body)
        after = client.get("/_demo/knobs").json()

    assert response.status_code == 422
    assert after == DEFAULT_KNOBS


# --- XLSX documents and Chinese file names -----------------------------------


def test_versions_export_the_same_sheet_name() -> None:
    from docdiff.demo_site.app import BUNDLED_DOCUMENTS_DIR, export_document, load_documents

    documents = load_documents(BUNDLED_DOCUMENTS_DIR)
    names = set()
    for doc_id in ("tencent-plan-xhs.baseline", "tencent-plan-xhs.target-retitled"):
        exported = export_document(documents[doc_id], "xlsx")
        names.update(openpyxl.load_workbook(io.BytesIO(exported.content)).sheetnames)
    # Versions of one document differ in content, not in their tab's name.
    assert names == {"工作表1"}


def test_xlsx_document_csv_export(xlsx_server: DemoServer, xlsx_documents_dir: Path) -> None:
    with logged_in_client(xlsx_server) as client:
        export = export_url(client, "报表.季度汇总", "csv")
        response = client.get(export["url"])

    assert export["filename"] == "季度汇总.csv"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows == read_xlsx_rows(xlsx_documents_dir / "报表" / "季度汇总.xlsx")
    assert rows[1] == ["华东", "1200", "含\n换行"]


def test_xlsx_document_xlsx_export_is_original(
    xlsx_server: DemoServer, xlsx_documents_dir: Path
) -> None:
    with logged_in_client(xlsx_server) as client:
        export = export_url(client, "报表.季度汇总", "xlsx")
        response = client.get(export["url"])

    assert response.content == (xlsx_documents_dir / "报表" / "季度汇总.xlsx").read_bytes()


def test_chinese_filename_uses_rfc5987(xlsx_server: DemoServer) -> None:
    with logged_in_client(xlsx_server) as client:
        export = export_url(client, "报表.项目计划", "csv")
        response = client.get(export["url"])

    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E9%A1%B9%E7%9B%AE%E8%AE%A1%E5%88%92.csv" in disposition
    assert disposition.isascii()


# --- Real browser ------------------------------------------------------------


async def test_browser_renders_grid(context: BrowserContext, demo_server: DemoServer) -> None:
    page = await open_sheet(context, demo_server, "sp500-2024.baseline")

    first_row = page.locator("#canvasContainer tbody tr").first.locator("td")
    assert await first_row.first.inner_text() == "Symbol"
    assert await page.locator("#canvasContainer tbody tr").count() == len(read_csv_rows(SP500_CSV))
    assert await page.locator(".titlebar").inner_text() != ""


async def test_browser_csv_export_is_original(
    context: BrowserContext, demo_server: DemoServer, tmp_path: Path
) -> None:
    page = await open_sheet(context, demo_server, "tencent-plan-xhs.baseline")

    saved_path = await export_through_menu(page, EXPORT_CSV_ITEM, tmp_path)

    assert saved_path.name == "baseline.csv"
    assert saved_path.read_bytes() == PLAN_CSV.read_bytes()


async def test_browser_xlsx_export_matches_csv(
    context: BrowserContext, demo_server: DemoServer, tmp_path: Path
) -> None:
    page = await open_sheet(context, demo_server, "tencent-plan-xhs.baseline")

    saved_path = await export_through_menu(page, EXPORT_XLSX_ITEM, tmp_path)

    assert saved_path.name == "baseline.xlsx"
    assert fastexcel.read_excel(str(saved_path)).sheet_names == ["工作表1"]
    assert read_xlsx_rows(saved_path) == read_csv_rows(PLAN_CSV)


async def test_browser_submenu_opens_on_click(
    context: BrowserContext, demo_server: DemoServer
) -> None:
    page = await open_sheet(context, demo_server, "sp500-2024.baseline")
    csv_item = page.locator(EXPORT_CSV_ITEM)

    await page.click(MORE_BUTTON)
    assert await page.locator("li.mainmenu-item-print").is_visible()
    assert await csv_item.is_hidden()
    await page.click(EXPORT_AS_ITEM)

    await csv_item.wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
    assert await page.locator(EXPORT_XLSX_ITEM).is_visible()


async def test_browser_export_failure_shows_toast(
    context: BrowserContext, demo_server: DemoServer, knobs: Callable[..., None]
) -> None:
    knobs(export_failure=True)
    page = await open_sheet(context, demo_server, "sp500-2024.baseline")
    downloads: list[Download] = []
    # Playwright cannot register a builtin method as a handler, so wrap it.
    page.on("download", lambda download: downloads.append(download))

    await page.click(MORE_BUTTON)
    await page.hover(EXPORT_AS_ITEM)
    await page.click(EXPORT_CSV_ITEM)
    toast = page.locator(ERROR_TOAST)
    await toast.wait_for(state="visible", timeout=STEP_TIMEOUT_MS)

    assert await toast.inner_text() == "导出失败，请稍后重试"
    assert downloads == []


async def test_browser_missing_menu_knob(
    context: BrowserContext, demo_server: DemoServer, knobs: Callable[..., None]
) -> None:
    knobs(missing_menu=True)
    page = await context.new_page()

    await page.goto(demo_server.url("/sheet/sp500-2024.baseline"))
    await page.locator("#canvasContainer table").wait_for(timeout=STEP_TIMEOUT_MS)

    # The script adds the more button in the same task that renders the table,
    # so its absence now means it will never appear.
    assert await page.locator(MORE_BUTTON).count() == 0
    assert await page.locator("#canvasContainer td").first.inner_text() == "Symbol"


async def test_browser_logged_out_login_wall(browser: Browser, demo_server: DemoServer) -> None:
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.goto(demo_server.url("/sheet/sp500-2024.baseline"))

        assert await page.locator("#header-login-btn").is_visible()
        assert await page.locator(MORE_BUTTON).count() == 0
        assert await page.locator(".dui-menu").count() == 0
    finally:
        await context.close()
