"""The web page at `/` in real Chromium, against the real service and demo site.

Most tests use the shared `service` and `site` fixtures. Cells with HTML and
line breaks, a result of more than 500 changes and renamed and moved columns
need documents of their own, so a second demo site and service serve a
folder written by this module. Its `book` pair is a pair of XLSX workbooks
with several sheets, which the demo site exports unchanged.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import xlsxwriter
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.servers import Server, free_port, start_demo_site, start_service, wait_healthy

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Deadline for a whole compare job to show its outcome on the page, in milliseconds.
JOB_TIMEOUT_MS = 20_000
SCREENSHOT_PATH = Path("/tmp/docdiff-web.png")

XHS_BASELINE = "tencent-plan-xhs.baseline"
XHS_STARS = "tencent-plan-xhs.target-stars"
XHS_RETITLED = "tencent-plan-xhs.target-retitled"
SP500_BASELINE = "sp500-2024.baseline"
SP500_TARGET = "sp500-2024.target"
EVENT_STREAM_HEADERS = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
# A document URL on a host the service may not open. POST /api/jobs rejects it
# with HTTP 403 host_not_allowed, so no job starts.
NOT_ALLOWED_URL = "http://sheets.invalid/sheet/x"
# A long column name with a comma in it, as in a real Tencent Docs plan.
COMMA_COLUMN = "形成计划清单,完成附件、链接、截图上传"
PHONE_VIEWPORT = {"width": 390, "height": 844}

INJECTED_IMG = '<img src=x onerror="window.__injected = 1"><b>bold</b>'
INJECTED_SCRIPT = "<script>window.__injected = 2</script>"
MULTILINE_NEW = "first line\nsecond line changed"
# More added rows than the page renders before "show all".
BULK_ADDED_ROWS = 620
# The result's report links, by the extension of the report they download.
REPORT_LINKS = {"xlsx": "#download-xlsx", "csv": "#download-csv"}


def csv_field(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def write_workbook(path: Path, sheets: dict[str, list[list[str]]]) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        worksheet = workbook.add_worksheet(name)
        for index, row in enumerate(rows):
            worksheet.write_row(index, 0, row)
    workbook.close()


def write_own_documents(folder: Path) -> None:
    """Write the `cells` pair (HTML and line breaks in cells), the `bulk` pair (620 added rows),
    the `columns` pair (a renamed and a moved column) and the `book` pair (XLSX workbooks)."""
    cells = folder / "cells"
    cells.mkdir(parents=True)
    (cells / "baseline.csv").write_text(
        "ID,Name,Note\n"
        "1,Alpha,plain\n"
        f"2,Beta,{csv_field('first line' + chr(10) + 'second line')}\n",
        encoding="utf-8",
    )
    (cells / "target.csv").write_text(
        "ID,Name,Note\n"
        f"1,Alpha,{csv_field(INJECTED_IMG)}\n"
        f"2,Beta,{csv_field(MULTILINE_NEW)}\n"
        f"3,{csv_field(INJECTED_SCRIPT)},new row\n",
        encoding="utf-8",
    )

    bulk = folder / "bulk"
    bulk.mkdir()
    (bulk / "baseline.csv").write_text("ID,Value\n1,one\n", encoding="utf-8")
    added = "".join(f"{number},value {number}\n" for number in range(2, BULK_ADDED_ROWS + 2))
    (bulk / "target.csv").write_text("ID,Value\n1,one\n" + added, encoding="utf-8")

    # 城市 is renamed 所在城市 and one of its cells changes. 备注 moves to the front.
    columns = folder / "columns"
    columns.mkdir()
    (columns / "baseline.csv").write_text(
        "编号,城市,人数,区号,备注\n"
        "1,北京,10,010,\n"
        "2,上海,20,021,新增\n"
        "3,广州,30,020,\n"
        "4,深圳,40,0755,\n"
        "5,杭州,50,0571,\n"
        "6,成都,60,028,\n",
        encoding="utf-8",
    )
    (columns / "target.csv").write_text(
        "备注,编号,所在城市,人数,区号\n"
        ",1,北京,10,010\n"
        "新增,2,上海,20,021\n"
        ",3,广州市,30,020\n"
        ",4,深圳,40,0755\n"
        ",5,杭州,50,0571\n"
        ",6,成都,60,028\n",
        encoding="utf-8",
    )

    # 计划 is the primary sheet, with one modified cell. 人员 is renamed 人员名单,
    # so it is matched by its header, and it has a modified cell and an added row.
    # 预算 is unchanged. 旧表 has no counterpart in the target, and 新表 none in the baseline.
    book = folder / "book"
    book.mkdir()
    people_header = ["姓名", "部门", "城市"]
    budget = [["项目", "金额"], ["场地", "1000"], ["餐饮", "500"]]
    write_workbook(book / "baseline.xlsx", {
        "计划": [["序号", "任务"], ["1", "写方案"], ["2", "评审"]],
        "人员": [people_header, ["钱", "内容", "北京"], ["周", "运营", "上海"], ["吴", "设计", "深圳"]],
        "预算": budget,
        "旧表": [["备忘"], ["待办"]],
    })
    write_workbook(book / "target.xlsx", {
        "计划": [["序号", "任务"], ["1", "写方案"], ["2", "评审会"]],
        "人员名单": [people_header, ["钱", "内容", "广州"], ["周", "运营", "上海"], ["吴", "设计", "深圳"], ["孙", "运营", "杭州"]],
        "预算": budget,
        "新表": [["联系人", "电话"], ["赵", "123"]],
    })


@pytest.fixture(scope="module")
def own_documents(tmp_path_factory):
    """A demo site serving this module's documents, and a service allowed to open it."""
    tmp = tmp_path_factory.mktemp("web-documents")
    write_own_documents(tmp / "documents")
    site = start_demo_site(tmp, tmp / "documents")
    service = start_service(tmp, site.url)
    yield site, service
    service.stop()
    site.stop()


@pytest_asyncio.fixture(scope="module")
async def browser():
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


async def new_page(browser: Browser, locale: str = "zh-CN") -> Page:
    context = await browser.new_context(locale=locale, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    return await context.new_page()


@pytest_asyncio.fixture
async def page(browser):
    page = await new_page(browser)
    yield page
    await page.context.close()


async def fill_form(page: Page, baseline: str, target: str, cookie: str, key: str = "") -> None:
    await page.fill("#baseline", baseline)
    await page.fill("#target", target)
    await page.fill("#cookie", cookie)
    await page.fill("#key", key)


async def compare(page: Page, service, site, baseline: str, target: str, cookie: str | None = None, key: str = "") -> None:
    await page.goto(service.url)
    await fill_form(page, site.sheet(baseline), site.sheet(target), site.cookie if cookie is None else cookie, key)
    await page.click("#submit")


async def compare_own(
    page: Page, own_documents, pair: str, key: str = "", file_format: str | None = None, reload: bool = True
) -> None:
    """Compare one of this module's own document pairs and wait for the result."""
    own_site, own_service = own_documents
    if reload:
        await page.goto(own_service.url)
    await fill_form(
        page,
        f"{own_site.url}/sheet/{pair}.baseline",
        f"{own_site.url}/sheet/{pair}.target",
        f"demo_sid={own_site.token}",
        key=key,
    )
    if file_format:
        await page.select_option("#format", file_format)
    await page.click("#submit")
    await expect_result(page)


async def wait_for_outcome(page: Page) -> str:
    """Wait until the page shows the job's result or error, and return "result" or "error"."""
    await page.locator("#result:not([hidden]), #error:not([hidden])").first.wait_for(timeout=JOB_TIMEOUT_MS)
    return "error" if await page.locator("#error").is_visible() else "result"


async def expect_result(page: Page) -> None:
    outcome = await wait_for_outcome(page)
    assert outcome == "result", f"expected a result, the page shows: {await page.locator('#error').inner_text()}"


async def expect_error(page: Page, code: str) -> None:
    outcome = await wait_for_outcome(page)
    assert outcome == "error", f"expected error {code}, the page shows a result"
    await expect(page.locator("#error")).to_have_attribute("data-code", code)


def stage(page: Page, name: str):
    return page.locator(f"#stages li[data-stage={name}]")


def is_job_post(response) -> bool:
    return response.url.endswith("/api/jobs") and response.request.method == "POST"


async def expect_report_links(page: Page, service_url: str, job_id: str) -> None:
    """Check that both report links are shown, point at the job's reports, and fetch the reports."""
    for extension, selector in REPORT_LINKS.items():
        link = page.locator(selector)
        await expect(link).to_be_visible()
        await expect(link).to_have_js_property("href", f"{service_url}/api/jobs/{job_id}/report.{extension}")

    xlsx = await page.request.get(await page.locator(REPORT_LINKS["xlsx"]).evaluate("link => link.href"))
    assert xlsx.status == 200, await xlsx.text()
    assert xlsx.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert (await xlsx.body()).startswith(b"PK"), "the XLSX report is not a ZIP file"

    csv = await page.request.get(await page.locator(REPORT_LINKS["csv"]).evaluate("link => link.href"))
    assert csv.status == 200, await csv.text()
    assert csv.headers["content-type"].startswith("text/csv")
    first_row = (await csv.text()).splitlines()[0]
    assert first_row.startswith("@@"), f"the daff CSV starts with {first_row!r}"


async def expect_report_links_hidden(page: Page) -> None:
    for selector in REPORT_LINKS.values():
        link = page.locator(selector)
        await expect(link).to_be_hidden()
        # Hidden by its own attribute, not only by the hidden result panel.
        await expect(link).to_have_attribute("hidden", "")
        # An <a> without an href attribute has an empty href property.
        await expect(link).to_have_js_property("href", "")


async def test_compare_shows_live_stages_and_counts(page, service, site):
    # Script errors and Content-Security-Policy violations both reach the console as errors.
    page_errors = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.on("console", lambda message: page_errors.append(message.text) if message.type == "error" else None)
    site.set_knobs(export_latency_ms=1500)
    await page.goto(service.url)
    for selector in ("#stars-by-value", "#numbers-by-value", "#dates-by-value", "#auto-key"):
        await expect(page.locator(selector)).to_be_checked()
    await expect(page.locator("#numeric-tolerance")).to_have_value("0")
    # No key typed: the service finds Symbol by itself.
    await fill_form(page, site.sheet(SP500_BASELINE), site.sheet(SP500_TARGET), site.cookie)
    await page.uncheck("#numbers-by-value")
    await page.fill("#numeric-tolerance", "0.5")

    async with page.expect_response(lambda response: response.url.endswith("/api/jobs") and response.request.method == "POST") as answered:
        await page.click("#submit")
    response = await answered.value
    request = response.request
    body = request.post_data_json
    assert body["options"] == {
        "key": [],
        "auto_key": True,
        "ignore_case": False,
        "trim_whitespace": True,
        "stars_by_value": True,
        "numbers_by_value": False,
        "dates_by_value": True,
        "numeric_tolerance": 0.5,
    }
    assert body["format"] == "csv"
    assert body["lang"] == "zh-CN"
    assert site.token not in request.url
    assert response.status == 202
    job_id = (await response.json())["id"]

    await expect(page.locator("#submit")).to_be_disabled()
    await expect(page.locator("#cancel")).to_be_visible()
    # Both downloads run at once while the site delays its exports.
    both_running = "#stages li[data-stage=baseline][data-state=running] ~ li[data-stage=target][data-state=running]"
    await page.locator(both_running).wait_for(timeout=JOB_TIMEOUT_MS)
    await expect(stage(page, "baseline")).to_have_attribute("data-state", "running")
    await expect(stage(page, "target")).to_have_attribute("data-state", "running")
    await expect(stage(page, "baseline").locator(".stage-message")).to_contain_text("正在导出基线文档")

    await expect_result(page)
    for name in ("queued", "login", "baseline", "target", "diff"):
        await expect(stage(page, name)).to_have_attribute("data-state", "done")
    await expect(stage(page, "baseline").locator(".stage-status")).to_have_text(re.compile(r"^\d+\.\d 秒$"))
    await expect(page.locator("#progress-bar")).to_have_attribute("aria-valuenow", "100")
    await expect(page.locator("#submit")).to_be_enabled()
    await expect(page.locator("#cancel")).to_be_hidden()

    # The job record contains the options the service accepted.
    job = httpx.get(f"{service.url}/api/jobs/{job_id}", timeout=5).json()
    options = job["request"]["options"]
    assert options["key"] == []
    assert options["auto_key"] is True
    assert options["stars_by_value"] is True
    assert options["numbers_by_value"] is False
    assert options["dates_by_value"] is True
    assert options["numeric_tolerance"] == 0.5
    assert job["result"]["key_source"] == "auto"

    # With the automatic key, two rows whose Symbol changed are paired by content as modified.
    summary = page.locator("#summary")
    await expect(summary.locator("[data-count=rows_added]")).to_have_text("14")
    await expect(summary.locator("[data-count=rows_removed]")).to_have_text("14")
    await expect(summary.locator("[data-count=rows_modified]")).to_have_text("50")
    await expect(page.locator("#changes tbody tr[data-kind=added]")).to_have_count(14)
    await expect(page.locator("#changes tbody tr[data-kind=removed]")).to_have_count(14)
    await expect(page.locator("#changes tbody tr[data-kind=modified]")).to_have_count(50)
    await expect(page.locator("#result-meta")).to_contain_text("自动识别的键列：Symbol")

    abbott = page.locator("#changes tbody tr[data-kind=modified]", has_text="Abbott Laboratories")
    await expect(abbott.locator(".cell-column")).to_have_text("Security")
    await expect(abbott.locator(".cell-address")).to_have_text("B4")
    await expect(abbott.locator("del.old")).to_have_text("Abbott")
    await expect(abbott.locator("ins.new")).to_have_text("Abbott Laboratories")
    amentum = page.locator("#changes tbody tr[data-kind=added]", has_text="Amentum")
    await expect(amentum.locator("td.col-row").nth(1)).to_have_text("26")
    assert page_errors == []

    # Modified rows that also moved count under both filters, and a note explains this.
    filter_counts = {}
    for name in ("all", "added", "removed", "modified", "moved"):
        text = await page.locator(f"#kind-filter button[data-filter={name}] .filter-count").inner_text()
        filter_counts[name] = int(text.replace(",", ""))
    moved_and_modified = await page.locator("#changes tbody tr[data-kind=modified][data-moved=true]").count()
    assert moved_and_modified > 0, "this pair is expected to have modified rows that also moved"
    assert sum(filter_counts[name] for name in ("added", "removed", "modified", "moved")) == filter_counts["all"] + moved_and_modified
    await expect(page.locator("#moved-note")).to_be_visible()
    await expect(page.locator("#moved-note")).to_have_text(re.compile("移动.*同时被修改的行"))

    # On a phone each change is stacked, so the details keep a readable width.
    await page.set_viewport_size(PHONE_VIEWPORT)
    details = abbott.locator("td.col-details")
    box = await details.bounding_box()
    assert box["width"] >= 240, f"change details squeezed to {box['width']:.0f} px at 390 px"
    column = abbott.locator(".cell-column")
    column_height = await column.evaluate("element => element.getBoundingClientRect().height / parseFloat(getComputedStyle(element).lineHeight)")
    assert column_height < 1.5, f"the column name Security wraps onto {column_height:.1f} lines"
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    await expect(abbott.locator("td.col-row").nth(0)).to_have_attribute("data-label", "基线行")
    await page.set_viewport_size({"width": 1280, "height": 900})

    await page.click("#lang-switch button[data-lang='en']")
    await expect(page.locator("#result-meta")).to_contain_text("Key found automatically: Symbol")
    await expect(page.locator("#moved-note")).to_have_text(re.compile("Moved also counts rows that were modified"))


async def test_stars_result_filter_and_download(page, service, site):
    await compare(page, service, site, XHS_BASELINE, XHS_STARS)
    await expect_result(page)

    # No key is found for this pair, so rows are aligned by content.
    await expect(page.locator("#result-meta")).to_contain_text("按内容对齐")
    await expect(page.locator("#result-meta")).not_to_contain_text("键列")
    # By default ★★★☆☆ equals 3, so only the changed date remains.
    await expect(page.locator("#summary [data-count=rows_modified]")).to_have_text("1")
    await expect(page.locator("#summary [data-count=cells_modified]")).to_have_text("1")
    await expect(page.locator("#summary [data-count=rows_added]")).to_have_text("0")
    await expect(page.locator("#title-change")).to_be_visible()
    await expect(page.locator("#title-old")).to_have_text("2025年项目计划与安排表（07月）")
    await expect(page.locator("#title-new")).to_have_text("2025年项目计划与安排表（07月）修改")
    only = page.locator("#changes tbody tr")
    await expect(only).to_have_count(1)
    await expect(only).to_have_attribute("data-kind", "modified")
    await expect(only.locator("td.col-row").nth(0)).to_have_text("20")
    await expect(only.locator("td.col-row").nth(1)).to_have_text("20")
    await expect(only.locator(".cell-column")).to_have_text("预计完成时间")
    await expect(only.locator(".cell-address")).to_have_text("M20")
    await expect(only.locator("del.old")).to_have_text("2025/8/1")
    await expect(only.locator("ins.new")).to_have_text("2025/8/24")
    await expect(page.locator("#moved-note")).to_be_hidden()

    await page.uncheck("#stars-by-value")
    async with page.expect_request(lambda request: request.url.endswith("/api/jobs") and request.method == "POST") as sent:
        await page.click("#submit")
    assert (await sent.value).post_data_json["options"]["stars_by_value"] is False
    await expect_result(page)

    await expect(page.locator("#summary [data-count=rows_modified]")).to_have_text("92")
    await expect(page.locator("#summary [data-count=rows_added]")).to_have_text("0")
    await expect(page.locator("#title-change")).to_be_visible()
    first = page.locator("#changes tbody tr").first
    await expect(first).to_have_attribute("data-kind", "modified")
    await expect(first.locator(".cell-column").first).to_have_text("重要程度")
    await expect(first.locator("ins.new").first).to_have_text(re.compile(r"^★+$"))

    await page.click("#kind-filter button[data-filter=added]")
    await expect(page.locator("#changes tbody tr")).to_have_count(0)
    await expect(page.locator("#empty-filter")).to_be_visible()
    await page.click("#kind-filter button[data-filter=modified]")
    await expect(page.locator("#changes tbody tr[data-kind=modified]")).to_have_count(92)
    await expect(page.locator("#kind-filter button[data-filter=modified]")).to_have_attribute("aria-pressed", "true")

    async with page.expect_download() as downloading:
        await page.click("#download-json")
    download = await downloading.value
    payload = json.loads(Path(await download.path()).read_text(encoding="utf-8"))
    assert payload["summary"]["rows_modified"] == 92
    assert payload["summary"]["title_changed"] is True
    assert payload["options"]["stars_by_value"] is False
    assert len(payload["changes"]) == 92

    await page.click("#kind-filter button[data-filter=all]")
    await page.set_viewport_size({"width": 1280, "height": 1500})
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=str(SCREENSHOT_PATH))

    rows_modified_card = page.locator("#summary .count-card", has=page.locator("[data-count=rows_modified]"))
    await expect(rows_modified_card).to_contain_text("修改行")
    await page.click("#lang-switch button[data-lang='en']")
    await expect(rows_modified_card).to_contain_text("Rows modified")
    await expect(page.locator("#title-change")).to_contain_text("Title changed")
    await expect(page.locator("#kind-filter button[data-filter=all]")).to_contain_text("All")
    await expect(page.locator("label[for=numeric-tolerance]")).to_have_text("Numeric tolerance")
    await expect(page.locator("#stars-by-value + span")).to_have_text("Star ratings by value")
    await expect(page.locator("#changes tbody tr[data-kind=modified]")).to_have_count(92)


async def test_form_sends_every_option(page, service, site):
    await page.goto(service.url)
    # The service rejects this host with HTTP 403, so no job starts.
    await fill_form(page, NOT_ALLOWED_URL, site.sheet(XHS_RETITLED), site.cookie, key="序号，负责人")
    await page.uncheck("#stars-by-value")
    await page.uncheck("#dates-by-value")
    await page.uncheck("#auto-key")
    await page.check("#ignore-case")
    await page.uncheck("#trim-whitespace")
    await page.select_option("#format", "xlsx")

    # A negative tolerance fails the browser's form validation, so no job starts.
    # Had the submit handler run, it would have shown the progress panel before its first await.
    await page.fill("#numeric-tolerance", "-1")
    await page.click("#submit")
    assert await page.locator("#numeric-tolerance").evaluate("element => element.validity.rangeUnderflow")
    await expect(page.locator("#progress-panel")).to_be_hidden()

    await page.fill("#numeric-tolerance", "2")
    async with page.expect_request(lambda request: request.url.endswith("/api/jobs") and request.method == "POST") as sent:
        await page.click("#submit")
    body = (await sent.value).post_data_json
    assert body["format"] == "xlsx"
    assert body["options"] == {
        "key": ["序号", "负责人"],
        "auto_key": False,
        "ignore_case": True,
        "trim_whitespace": False,
        "stars_by_value": False,
        "numbers_by_value": True,
        "dates_by_value": False,
        "numeric_tolerance": 2,
    }
    await expect_error(page, "host_not_allowed")


async def test_expired_cookie_shows_cookie_steps(page, service, site):
    await compare(page, service, site, XHS_BASELINE, XHS_RETITLED, cookie="demo_sid=expired-or-wrong")

    await expect_error(page, "cookie_expired")
    await expect(page.locator("#error-code")).to_have_text("cookie_expired")
    await expect(page.locator("#error-message")).to_contain_text("Cookie 无效或已过期")
    await expect(page.locator("#error-hint")).to_contain_text("F12")
    help_steps = page.locator("#cookie-help li")
    await expect(help_steps).to_have_count(5)
    await expect(page.locator("#cookie-help")).to_contain_text("docs.qq.com")
    await expect(page.locator("#cookie-help")).to_contain_text("网络")
    await expect(page.locator("#cookie-help")).to_contain_text("Cookie")
    await expect(page.locator("#cookie")).to_be_focused()
    await expect(page.locator("#retry")).to_be_hidden()
    await expect(stage(page, "login")).to_have_attribute("data-state", "failed")
    await expect(page.locator("#submit")).to_be_enabled()
    await expect(page.locator("#result")).to_be_hidden()

    # The card keeps the error to one cut line with the whole text in its title.
    full_message = await page.locator("#error-message").inner_text()
    card_message = stage(page, "login").locator(".stage-message")
    await expect(card_message).to_have_attribute("title", full_message)
    lines = await card_message.evaluate("element => element.getBoundingClientRect().height / parseFloat(getComputedStyle(element).lineHeight)")
    assert lines < 1.5, f"the failed stage's message takes {lines:.1f} lines"
    assert await card_message.evaluate("element => getComputedStyle(element).textOverflow") == "ellipsis"
    for name in ("baseline", "target", "diff"):
        await expect(stage(page, name)).to_have_attribute("data-state", "skipped")
        await expect(stage(page, name).locator(".stage-status")).to_have_text("未执行")
        await expect(stage(page, name).locator(".stage-message")).to_have_text("")


@pytest.mark.parametrize(
    ("locale", "lang", "baseline_label", "submit_label", "login_stage"),
    [
        ("en-US", "en", "Baseline document URL", "Compare", "Log in"),
        ("zh-CN", "zh-CN", "基线文档链接", "开始比较", "登录"),
    ],
)
async def test_language_follows_browser_locale(browser, service, locale, lang, baseline_label, submit_label, login_stage):
    page = await new_page(browser, locale=locale)
    try:
        await page.goto(service.url)
        await expect(page.locator("html")).to_have_attribute("lang", lang)
        await expect(page.locator("label[for=baseline]")).to_have_text(baseline_label)
        await expect(page.locator("#submit")).to_have_text(submit_label)
        await expect(stage(page, "login").locator(".stage-name")).to_have_text(login_stage)
        await expect(page.locator(f"#lang-switch button[data-lang='{lang}']")).to_have_attribute("aria-pressed", "true")
    finally:
        await page.context.close()


async def test_english_page_sends_lang_and_switches(browser, service, site):
    page = await new_page(browser, locale="en-US")
    try:
        await page.goto(service.url)
        # The service rejects this host with HTTP 403 before any job exists.
        await fill_form(page, NOT_ALLOWED_URL, site.sheet(XHS_RETITLED), site.cookie)
        async with page.expect_response(lambda response: response.url.endswith("/api/jobs")) as answered:
            await page.click("#submit")
        response = await answered.value
        assert response.request.post_data_json["lang"] == "en"
        assert response.status == 403
        error = (await response.json())["error"]
        assert error["code"] == "host_not_allowed"
        assert error["message"].startswith("Host sheets.invalid is not allowed")

        await expect_error(page, "host_not_allowed")
        await expect(page.locator("#error-message")).to_have_text(error["message"])
        await expect(page.locator("#error-hint")).to_have_text(error["hint"])
        await expect(page.locator("#error-title")).to_have_text("Compare failed")
        await expect(page.locator("#error-code")).to_have_text("host_not_allowed")
        await expect(page.locator("#error-lang-note")).to_be_hidden()
        await expect(page.locator("#retry")).to_be_hidden()
        await expect(page.locator("#progress-panel")).to_be_hidden()
        await expect(page.locator("#submit")).to_be_enabled()
        await expect(page.locator("#cancel")).to_be_hidden()
        assert await page.evaluate("window.sessionStorage.getItem('docdiff.job')") is None

        # The labels follow the switch; the service's English message stays, with a note.
        await page.click("#lang-switch button[data-lang='zh-CN']")
        await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        await expect(page.locator("label[for=baseline]")).to_have_text("基线文档链接")
        await expect(page.locator("#error-title")).to_have_text("比较失败")
        await expect(page.locator("#error-message")).to_have_text(error["message"])
        await expect(page.locator("#error-lang-note")).to_be_visible()
        await expect(stage(page, "login").locator(".stage-name")).to_have_text("登录")
        async with page.expect_request(lambda request: request.url.endswith("/api/jobs")) as sent:
            await page.click("#submit")
        assert (await sent.value).post_data_json["lang"] == "zh-CN"
        await expect(page.locator("#error-message")).to_contain_text("不允许打开主机 sheets.invalid")
        await expect(page.locator("#error-hint")).to_contain_text("DOCDIFF_ALLOWED_HOSTS")
        await expect(page.locator("#error-lang-note")).to_be_hidden()
    finally:
        await page.context.close()


async def test_cookie_stored_only_when_remembered(page, service, site):
    console = []
    page.on("console", lambda message: console.append(message.text))
    await page.goto(service.url)
    await fill_form(page, NOT_ALLOWED_URL, site.sheet(XHS_RETITLED), site.cookie)
    await page.click("#submit")
    await expect_error(page, "host_not_allowed")

    stored = await page.evaluate("Object.values(window.localStorage)")
    assert not any(site.token in value for value in stored)
    assert site.token not in page.url
    assert not any(site.token in text for text in console)

    await page.click("#toggle-cookie")
    await expect(page.locator("#cookie")).to_have_attribute("type", "text")
    await page.click("#toggle-cookie")
    await expect(page.locator("#cookie")).to_have_attribute("type", "password")

    await page.check("#remember-cookie")
    assert await page.evaluate("window.localStorage.getItem('docdiff.cookie')") == site.cookie

    await page.reload()
    await expect(page.locator("#cookie")).to_have_value(site.cookie)
    await expect(page.locator("#remember-cookie")).to_be_checked()

    await page.uncheck("#remember-cookie")
    assert await page.evaluate("window.localStorage.getItem('docdiff.cookie')") is None
    await page.reload()
    await expect(page.locator("#cookie")).to_have_value("")
    await expect(page.locator("#remember-cookie")).not_to_be_checked()


async def test_html_and_line_breaks_shown_as_text(page, own_documents):
    await compare_own(page, own_documents, "cells", key="ID")

    modified = page.locator("#changes tbody tr[data-kind=modified]")
    await expect(modified).to_have_count(2)
    await expect(modified.nth(0).locator("ins.new")).to_have_text(INJECTED_IMG)
    added = page.locator("#changes tbody tr[data-kind=added]")
    await expect(added.locator("dd.value").nth(1)).to_have_text(INJECTED_SCRIPT)
    await expect(page.locator("#changes img")).to_have_count(0)
    await expect(page.locator("#changes b")).to_have_count(0)
    await expect(page.locator("#changes script")).to_have_count(0)
    assert await page.evaluate("window.__injected") is None

    multiline = modified.nth(1).locator("ins.new")
    assert await multiline.inner_text() == MULTILINE_NEW
    assert await multiline.evaluate("element => getComputedStyle(element).whiteSpace") == "pre-wrap"


async def test_large_result_shows_first_500(page, own_documents):
    await compare_own(page, own_documents, "bulk", key="ID")

    await expect(page.locator("#summary [data-count=rows_added]")).to_have_text(str(BULK_ADDED_ROWS))
    await expect(page.locator("#changes tbody tr")).to_have_count(500)
    show_all = page.locator("#show-all")
    await expect(show_all).to_be_visible()
    await show_all.click()
    await expect(page.locator("#changes tbody tr")).to_have_count(BULK_ADDED_ROWS)
    await expect(show_all).to_be_hidden()


async def test_renamed_and_moved_columns_shown(page, own_documents):
    await compare_own(page, own_documents, "columns", key="编号")

    summary = page.locator("#summary")
    await expect(summary.locator("[data-count=columns_renamed]")).to_have_text("1")
    await expect(summary.locator("[data-count=columns_moved]")).to_have_text("1")
    await expect(summary.locator("[data-count=columns_added]")).to_have_text("0")
    await expect(summary.locator("[data-count=columns_removed]")).to_have_text("0")
    await expect(summary.locator("[data-count=rows_modified]")).to_have_text("1")

    await expect(page.locator("#columns-change")).to_be_visible()
    rename = page.locator("#columns-renamed .column-rename")
    await expect(rename).to_have_count(1)
    await expect(rename).to_have_text(re.compile(r"^列改名\s*城市\s*→\s*所在城市$"))
    await expect(page.locator("#columns-moved-line")).to_be_visible()
    await expect(page.locator("#columns-moved .chip")).to_have_text(["备注"])
    await expect(page.locator("#columns-added-line")).to_be_hidden()
    await expect(page.locator("#columns-removed-line")).to_be_hidden()
    await expect(page.locator("#result-meta")).to_contain_text("键列：编号")
    await expect(page.locator("#result-meta")).not_to_contain_text("自动识别")

    # The cell change names the column as the baseline does, with both addresses.
    modified = page.locator("#changes tbody tr[data-kind=modified]")
    await expect(modified).to_have_count(1)
    await expect(modified.locator(".cell-column")).to_have_text("城市")
    await expect(modified.locator(".cell-address")).to_have_text("B4 → C4")
    await expect(modified.locator("del.old")).to_have_text("广州")
    await expect(modified.locator("ins.new")).to_have_text("广州市")

    await page.click("#lang-switch button[data-lang='en']")
    await expect(rename).to_have_text(re.compile(r"^Column renamed\s*城市\s*→\s*所在城市$"))
    await expect(page.locator("#columns-moved-line")).to_contain_text("Columns moved")
    await expect(summary.locator(".count-card", has=page.locator("[data-count=columns_renamed]"))).to_contain_text("Columns renamed")
    await expect(page.locator("#result-meta")).to_contain_text("Key: 编号")

    # The page rebuilds the stage messages in English, with the counts from the result.
    await expect(stage(page, "baseline").locator(".stage-message")).to_have_text("Downloaded the baseline document (6 rows × 5 columns)")
    await expect(stage(page, "diff").locator(".stage-message")).to_have_text("Compare finished. Changes: 1")
    await expect(stage(page, "login").locator(".stage-message")).to_have_text("Logged in")
    # Back in the job's language, the service's own messages return.
    await page.click("#lang-switch button[data-lang='zh-CN']")
    await expect(stage(page, "baseline").locator(".stage-message")).to_have_text(re.compile(r"^基线文档已下载 \(6 行 × 5 列\)$"))


async def test_invalid_request_shows_message_and_hint(page, service, site):
    await page.goto(service.url)
    # Skip the browser's own form checks so that the empty URL reaches the service.
    await page.evaluate("document.querySelector('#compare-form').noValidate = true")
    await fill_form(page, "", site.sheet(XHS_RETITLED), site.cookie)
    await page.click("#submit")

    await expect_error(page, "invalid_request")
    await expect(page.locator("#error-message")).to_contain_text("baseline")
    await expect(page.locator("#error-hint")).to_have_text("请检查输入后重试。")
    await expect(page.locator("#progress-panel")).to_be_hidden()
    await expect(page.locator("#submit")).to_be_enabled()


async def test_cancel_stops_running_job(page, service, site):
    site.set_knobs(export_latency_ms=5000)
    await compare(page, service, site, XHS_BASELINE, XHS_RETITLED)
    await stage(page, "baseline").and_(page.locator("[data-state=running]")).wait_for(timeout=JOB_TIMEOUT_MS)

    await page.click("#cancel")

    await expect_error(page, "cancelled")
    await expect(page.locator("#error-title")).to_have_text("已取消")
    await expect(page.locator("#stages li[data-state=running]")).to_have_count(0)
    await expect(page.locator("#stages li[data-state=failed]")).to_have_count(0)
    await expect(stage(page, "baseline")).to_have_attribute("data-state", "stopped")
    await expect(stage(page, "baseline").locator(".stage-message")).to_have_text("任务已取消，已停止")
    await expect(page.locator("#submit")).to_be_enabled()
    await expect(page.locator("#cancel")).to_be_hidden()
    await expect(page.locator("#result")).to_be_hidden()


async def test_retryable_error_offers_retry(page, service, site):
    site.set_knobs(export_failure=True)
    await compare(page, service, site, XHS_BASELINE, XHS_RETITLED)

    await expect_error(page, "export_failed")
    await expect(page.locator("#cookie-help")).to_be_hidden()
    # Both exports were running. One failure ends the job and stops the other side.
    states = {name: await stage(page, name).get_attribute("data-state") for name in ("baseline", "target")}
    assert sorted(states.values()) == ["failed", "stopped"], states
    stopped = stage(page, "baseline" if states["baseline"] == "stopped" else "target")
    await expect(stopped.locator(".stage-status")).to_have_text("已停止")
    await expect(stopped.locator(".stage-message")).to_have_text("另一步骤失败，已停止")
    await expect(stage(page, "diff")).to_have_attribute("data-state", "skipped")
    retry = page.locator("#retry")
    await expect(retry).to_be_visible()

    site.reset_knobs()
    await retry.click()
    await expect_result(page)
    await expect(page.locator("#error")).to_be_hidden()
    await expect(page.locator("#title-change")).to_be_visible()


async def test_reconnect_does_not_duplicate_events(page, service, site):
    """Cut the first event stream before its terminal event, then send every event again.

    The service itself resumes after Last-Event-ID; the replay stands in for
    a stream that repeats events, which the page must apply only once.
    """
    streams = []

    async def cut_then_replay(route):
        if streams:
            streams.append(streams[0])
            await route.fulfill(status=200, headers=EVENT_STREAM_HEADERS, body=streams[0])
            return
        response = await route.fetch()
        streams.append(await response.text())
        blocks = [block for block in re.split(r"\r?\n\r?\n", streams[0]) if block.strip()]
        without_terminal = [block for block in blocks if not re.search(r"^event: ?(result|error)\s*$", block, re.MULTILINE)]
        assert len(without_terminal) == len(blocks) - 1, "the recorded stream has no single terminal event"
        await route.fulfill(status=200, headers=EVENT_STREAM_HEADERS, body="\n\n".join(without_terminal) + "\n\n")

    await page.route("**/api/jobs/*/events", cut_then_replay)
    # A wrong cookie ends the job at login: progress events for queued and login, then an error.
    await compare(page, service, site, XHS_BASELINE, XHS_RETITLED, cookie="demo_sid=expired-or-wrong")
    await expect_error(page, "cookie_expired")

    assert len(streams) == 2
    progress_events = len(re.findall(r"^event: ?progress\s*$", streams[0], re.MULTILINE))
    assert progress_events >= 2
    # One log entry per progress event plus one for the error event.
    await expect(page.locator("#event-log li")).to_have_count(progress_events + 1)
    await expect(stage(page, "queued")).to_have_attribute("data-state", "done")
    await expect(stage(page, "login")).to_have_attribute("data-state", "failed")


async def test_missing_cookie_rejected_before_job(page, service, site):
    await page.goto(service.url)
    await fill_form(page, site.sheet(XHS_BASELINE), site.sheet(XHS_RETITLED), "")
    async with page.expect_response(lambda response: response.url.endswith("/api/jobs")) as answered:
        await page.click("#submit")
    response = await answered.value
    assert response.status == 422
    error = (await response.json())["error"]

    await expect_error(page, "cookie_missing")
    await expect(page.locator("#error-message")).to_have_text(error["message"])
    await expect(page.locator("#error-hint")).to_have_text(error["hint"])
    await expect(page.locator("#cookie-help")).to_be_visible()
    await expect(page.locator("#cookie")).to_be_focused()
    await expect(page.locator("#progress-panel")).to_be_hidden()
    await expect(page.locator("#submit")).to_be_enabled()


KEY_COLUMN_CASES = [
    (f'"{COMMA_COLUMN}", 序号', [COMMA_COLUMN, "序号"]),
    (f"“{COMMA_COLUMN}”，序号", [COMMA_COLUMN, "序号"]),
    ('序号，负责人, "say ""hi"""', ["序号", "负责人", 'say "hi"']),
    (" 序号 ,, 负责人 ", ["序号", "负责人"]),
    ('a"b', ['a"b']),
]


async def test_key_columns_accept_quoted_names(page, service, site):
    posts = []
    page.on("request", lambda request: posts.append(request) if request.url.endswith("/api/jobs") else None)
    await page.goto(service.url)
    await expect(page.locator("#key-help")).to_contain_text("双引号")
    # The service rejects this host with HTTP 403, so each submit only sends the request.
    await fill_form(page, NOT_ALLOWED_URL, site.sheet(XHS_RETITLED), site.cookie)
    for text, expected in KEY_COLUMN_CASES:
        await page.fill("#key", text)
        async with page.expect_request(lambda request: request.url.endswith("/api/jobs") and request.method == "POST") as sent:
            await page.click("#submit")
        assert (await sent.value).post_data_json["options"]["key"] == expected, f"key box: {text}"
        await expect_error(page, "host_not_allowed")

    # An unclosed quote fails the form validation, so nothing is sent.
    sent_before = len(posts)
    await page.fill("#key", f'"{COMMA_COLUMN}, 序号')
    await page.click("#submit")
    key_box = page.locator("#key")
    assert await key_box.evaluate("element => element.validity.customError")
    assert "引号" in await key_box.evaluate("element => element.validationMessage")
    await page.fill("#key", f'"{COMMA_COLUMN}" 序号')
    assert await key_box.evaluate("element => element.validity.customError")
    await expect(page.locator("#submit")).to_be_enabled()
    assert len(posts) == sent_before

    await page.fill("#key", f'"{COMMA_COLUMN}"')
    assert not await key_box.evaluate("element => element.validity.customError")


async def test_form_remembered_after_reload(page, service, site):
    await page.goto(service.url)
    target = site.sheet(XHS_RETITLED)
    key = f'"{COMMA_COLUMN}", 序号'
    await fill_form(page, NOT_ALLOWED_URL, target, site.cookie, key=key)
    await page.uncheck("#stars-by-value")
    await page.check("#ignore-case")
    await page.uncheck("#auto-key")
    await page.select_option("#format", "xlsx")
    await page.fill("#numeric-tolerance", "0.25")
    await page.click("#submit")
    await expect_error(page, "host_not_allowed")

    await page.reload()
    await expect(page.locator("#baseline")).to_have_value(NOT_ALLOWED_URL)
    await expect(page.locator("#target")).to_have_value(target)
    await expect(page.locator("#key")).to_have_value(key)
    await expect(page.locator("#format")).to_have_value("xlsx")
    await expect(page.locator("#numeric-tolerance")).to_have_value("0.25")
    await expect(page.locator("#stars-by-value")).not_to_be_checked()
    await expect(page.locator("#ignore-case")).to_be_checked()
    await expect(page.locator("#auto-key")).not_to_be_checked()
    await expect(page.locator("#numbers-by-value")).to_be_checked()
    # The cookie is remembered only while "remember" is ticked.
    await expect(page.locator("#cookie")).to_have_value("")
    await expect(page.locator("#remember-cookie")).not_to_be_checked()
    stored = await page.evaluate("Object.values(window.localStorage)")
    assert not any(site.token in value for value in stored)

    async with page.expect_request(lambda request: request.url.endswith("/api/jobs") and request.method == "POST") as sent:
        await page.fill("#cookie", site.cookie)
        await page.click("#submit")
    options = (await sent.value).post_data_json["options"]
    assert options["key"] == [COMMA_COLUMN, "序号"]
    assert options["numeric_tolerance"] == 0.25
    assert options["stars_by_value"] is False


async def test_reload_reconnects_to_running_job(page, service, site):
    site.set_knobs(export_latency_ms=2500)
    await compare(page, service, site, XHS_BASELINE, XHS_RETITLED)
    await stage(page, "baseline").and_(page.locator("[data-state=running]")).wait_for(timeout=JOB_TIMEOUT_MS)
    saved = json.loads(await page.evaluate("window.sessionStorage.getItem('docdiff.job')"))
    job_id = saved["id"]
    assert site.token not in json.dumps(saved)

    status_url = f"{service.url}/api/jobs/{job_id}"
    async with page.expect_request(lambda request: request.url == f"{status_url}/events") as events_opened:
        async with page.expect_response(lambda response: response.url == status_url) as status_read:
            await page.reload()
    status = await (await status_read.value).json()
    assert status["status"] in ("queued", "running"), "the job ended before the page reconnected"
    await events_opened.value

    await expect(page.locator("#progress-panel")).to_be_visible()
    await expect(page.locator("#cancel")).to_be_visible()
    await expect(stage(page, "queued")).to_have_attribute("data-state", "done")
    await expect_result(page)
    await expect(page.locator("#title-change")).to_be_visible()
    for name in ("queued", "login", "baseline", "target", "diff"):
        await expect(stage(page, name)).to_have_attribute("data-state", "done")
    await expect(page.locator("#submit")).to_be_enabled()
    assert await page.evaluate("window.sessionStorage.getItem('docdiff.job')") is None
    # The resumed page reads the job's id from sessionStorage, so it links to the job's reports.
    await expect_report_links(page, service.url, job_id)

    # With the job over, a reload shows the form alone.
    await page.reload()
    await expect(page.locator("#target")).to_have_value(site.sheet(XHS_RETITLED))
    await expect(page.locator("#progress-panel")).to_be_hidden()
    await expect(page.locator("#result")).to_be_hidden()
    await expect_report_links_hidden(page)


async def test_report_links_follow_each_result(page, service, site):
    await page.goto(service.url)
    await expect_report_links_hidden(page)

    await fill_form(page, site.sheet(XHS_BASELINE), site.sheet(XHS_STARS), site.cookie)
    async with page.expect_response(is_job_post) as answered:
        await page.click("#submit")
    first_job_id = (await (await answered.value).json())["id"]
    await expect_result(page)
    await expect_report_links(page, service.url, first_job_id)

    # A click downloads the file that the service names after the job.
    async with page.expect_download() as downloading:
        await page.click(REPORT_LINKS["xlsx"])
    download = await downloading.value
    assert download.suggested_filename == f"docdiff-{first_job_id}.xlsx"
    assert Path(await download.path()).read_bytes().startswith(b"PK")

    await expect(page.locator(REPORT_LINKS["xlsx"])).to_have_text("下载高亮工作簿（XLSX）")
    await expect(page.locator(REPORT_LINKS["csv"])).to_have_text("下载 daff CSV")
    await page.click("#lang-switch button[data-lang='en']")
    await expect(page.locator(REPORT_LINKS["xlsx"])).to_have_text("Download highlighted workbook (XLSX)")
    await expect(page.locator(REPORT_LINKS["xlsx"])).to_have_attribute("title", re.compile("summary sheet"))
    await expect(page.locator(REPORT_LINKS["csv"])).to_have_text("Download daff CSV")
    await page.click("#lang-switch button[data-lang='zh-CN']")

    # A new compare hides the links until its own result arrives. While the
    # job runs, the service has no report for it.
    site.set_knobs(export_latency_ms=2500)
    async with page.expect_response(is_job_post) as answered:
        await page.click("#submit")
    second_job_id = (await (await answered.value).json())["id"]
    assert second_job_id != first_job_id
    await stage(page, "baseline").and_(page.locator("[data-state=running]")).wait_for(timeout=JOB_TIMEOUT_MS)
    await expect(page.locator("#result")).to_be_hidden()
    await expect_report_links_hidden(page)
    early = httpx.get(f"{service.url}/api/jobs/{second_job_id}/report.xlsx", timeout=5)
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "report_not_ready"

    await expect_result(page)
    await expect_report_links(page, service.url, second_job_id)


async def test_title_change_kept_on_language_switch(page, service, site):
    await compare(page, service, site, XHS_BASELINE, XHS_STARS)
    await expect_result(page)
    message = stage(page, "diff").locator(".stage-message")
    await expect(message).to_have_text(re.compile(r"^比较完成：\d+ 处变化，标题已修改$"))
    await page.click("#lang-switch button[data-lang='en']")
    await expect(message).to_have_text(re.compile(r"^Compare finished\. Changes: \d+\. The title changed\.$"))


async def test_report_link_of_dropped_job(page, site, tmp_path):
    # A service that keeps one job drops a finished job as soon as another is created.
    service = start_service(tmp_path, site.url, max_jobs=1)
    try:
        await page.goto(service.url)
        await fill_form(page, site.sheet(XHS_BASELINE), site.sheet(XHS_STARS), site.cookie)
        async with page.expect_response(is_job_post) as answered:
            await page.click("#submit")
        first_job_id = (await (await answered.value).json())["id"]
        await expect_result(page)
        other = {"baseline": site.sheet(XHS_BASELINE), "target": site.sheet(XHS_STARS), "cookie": "demo_sid=x"}
        assert httpx.post(f"{service.url}/api/jobs", json=other, timeout=10).status_code == 202
        assert httpx.get(f"{service.url}/api/jobs/{first_job_id}", timeout=5).status_code == 404

        await page.click(REPORT_LINKS["xlsx"])
        await expect(page.locator("#error")).to_be_visible()
        await expect(page.locator("#error")).to_have_attribute("data-code", "job_not_found")
        await expect(page.locator("#error")).to_contain_text(f"任务 {first_job_id} 不存在或已过期")
        await expect(page.locator("#error-title")).to_have_text("报告下载失败")
        await expect(page.locator("#result")).to_be_visible()
    finally:
        service.stop()


async def test_cancel_after_finish_shows_result(page, service, site):
    """Hold back the terminal event, so the page still shows the finished job as running.

    The cancel then gets HTTP 409 job_finished, and the page reads the outcome
    from the job record instead of reporting a failed cancel.
    """

    streams = []

    async def without_terminal_event(route):
        if streams:
            # Reconnects get no events, so the terminal event never arrives.
            await route.fulfill(status=200, headers=EVENT_STREAM_HEADERS, body=": held back\n\n")
            return
        response = await route.fetch()
        streams.append(await response.text())
        blocks = [block for block in re.split(r"\r?\n\r?\n", streams[0]) if block.strip()]
        non_terminal = [block for block in blocks if not re.search(r"^event: ?(result|error)\s*$", block, re.MULTILINE)]
        await route.fulfill(status=200, headers=EVENT_STREAM_HEADERS, body="\n\n".join(non_terminal) + "\n\n")

    await page.route("**/api/jobs/*/events", without_terminal_event)
    await compare(page, service, site, XHS_BASELINE, XHS_RETITLED)
    await stage(page, "diff").and_(page.locator("[data-state=done]")).wait_for(timeout=JOB_TIMEOUT_MS)
    await expect(page.locator("#result")).to_be_hidden()

    async with page.expect_response(lambda response: response.request.method == "DELETE") as answered:
        await page.click("#cancel")
    response = await answered.value
    assert response.status == 409
    assert (await response.json())["error"]["code"] == "job_finished"

    await expect_result(page)
    await expect(page.locator("#title-change")).to_be_visible()
    await expect(page.locator("#form-status")).to_have_text("")
    await expect(page.locator("#cancel")).to_be_hidden()
    assert await page.evaluate("window.sessionStorage.getItem('docdiff.job')") is None


async def test_workbook_shows_every_sheet(page, own_documents):
    await compare_own(page, own_documents, "book", file_format="xlsx")

    # 1 change on 计划 and 2 on 人员: the count covers every sheet.
    await expect(stage(page, "diff").locator(".stage-message")).to_have_text("比较完成：3 处变化")
    # The service's own event counts the same.
    await expect(page.locator("#event-log")).to_contain_text("比较完成：3 处变化")
    await expect(page.locator("#sheets-change")).to_be_visible()
    await expect(page.locator("#sheets-added .chip")).to_have_text(["新表"])
    await expect(page.locator("#sheets-removed .chip")).to_have_text(["旧表"])
    await expect(page.locator("#sheets-added-line")).to_contain_text("新增工作表")
    await expect(page.locator("#sheets-removed-line")).to_contain_text("删除工作表")
    await expect(page.locator("#sheets-renamed-line")).to_contain_text("改名工作表")
    await expect(page.locator("#sheets-renamed .chip")).to_have_text(["人员 → 人员名单"])

    # In a workbook the primary sheet gets a heading too.
    await expect(page.locator("#primary-sheet .sheet-heading")).to_have_text("工作表：计划")
    await expect(page.locator("#summary [data-count=rows_modified]")).to_have_text("1")
    primary_cell = page.locator("#changes tbody tr[data-kind=modified]")
    await expect(primary_cell.locator("del.old")).to_have_text("评审")
    await expect(primary_cell.locator("ins.new")).to_have_text("评审会")

    sheets = page.locator("#other-sheets .sheet-result")
    await expect(sheets).to_have_count(2)
    # The copies of the primary block must not repeat its ids.
    await expect(page.locator("#other-sheets [id]")).to_have_count(0)

    people = sheets.nth(0)
    await expect(people.locator(".sheet-heading")).to_have_text("工作表：人员 → 人员名单")
    await expect(people.locator("[data-count=rows_added]")).to_have_text("1")
    await expect(people.locator("[data-count=rows_modified]")).to_have_text("1")
    await expect(people.locator("[data-count=cells_modified]")).to_have_text("1")
    await expect(people.locator("[data-count=rows_removed]")).to_have_text("0")
    await expect(people.locator(".result-meta")).to_contain_text("baseline.xlsx")
    await expect(people.locator(".no-diff")).to_be_hidden()
    modified = people.locator("tbody tr[data-kind=modified]")
    await expect(modified).to_have_count(1)
    await expect(modified.locator(".cell-column")).to_have_text("城市")
    await expect(modified.locator(".cell-address")).to_have_text("C2")
    await expect(modified.locator("del.old")).to_have_text("北京")
    await expect(modified.locator("ins.new")).to_have_text("广州")
    added = people.locator("tbody tr[data-kind=added]")
    await expect(added).to_have_count(1)
    await expect(added).to_contain_text("孙")

    budget = sheets.nth(1)
    await expect(budget.locator(".sheet-heading")).to_have_text("工作表：预算")
    await expect(budget.locator(".no-diff")).to_have_text("这张工作表的两个版本没有差异。")
    await expect(budget.locator(".no-diff")).to_be_visible()
    await expect(budget.locator("[data-part=changes-block]")).to_be_hidden()
    await expect(page.locator("#no-differences")).to_be_hidden()

    # Each sheet keeps its own filter, also across a language switch.
    await people.locator("[data-part=kind-filter] button[data-filter=added]").click()
    await expect(people.locator("tbody tr")).to_have_count(1)
    await expect(people.locator("tbody tr")).to_have_attribute("data-kind", "added")
    await expect(page.locator("#kind-filter button[data-filter=all]")).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("#changes tbody tr")).to_have_count(1)

    await page.click("#lang-switch button[data-lang='en']")
    await expect(stage(page, "diff").locator(".stage-message")).to_have_text("Compare finished. Changes: 3")
    await expect(people.locator(".sheet-heading")).to_have_text("Sheet: 人员 → 人员名单")
    await expect(budget.locator(".no-diff")).to_have_text("The two versions of this sheet have no differences.")
    await expect(page.locator("#sheets-added-line")).to_contain_text("Sheets added")
    await expect(page.locator("#sheets-removed-line")).to_contain_text("Sheets removed")
    await expect(people.locator(".count-card", has=page.locator("[data-count=rows_added]"))).to_contain_text("Rows added")
    await expect(people.locator("th").first).to_have_text("Change")
    await expect(people.locator("[data-part=kind-filter] button[data-filter=added]")).to_have_attribute("aria-pressed", "true")
    await expect(people.locator("tbody tr")).to_have_count(1)
    await page.click("#lang-switch button[data-lang='zh-CN']")

    # On a phone the other sheets stack their changes like the primary sheet.
    await page.set_viewport_size(PHONE_VIEWPORT)
    await people.locator("[data-part=kind-filter] button[data-filter=all]").click()
    details = modified.locator("td.col-details")
    box = await details.bounding_box()
    assert box["width"] >= 240, f"change details of another sheet squeezed to {box['width']:.0f} px at 390 px"
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    await page.set_viewport_size({"width": 1280, "height": 900})

    # A CSV result that follows has one sheet, so the workbook's blocks are gone.
    await compare_own(page, own_documents, "columns", key="编号", file_format="csv", reload=False)
    await expect(page.locator("#columns-renamed .column-rename")).to_have_count(1)
    await expect(page.locator("#other-sheets .sheet-result")).to_have_count(0)
    await expect(page.locator("#sheets-change")).to_be_hidden()
    await expect(page.locator("#primary-sheet .sheet-heading")).to_be_hidden()
    await expect(page.locator(".sheet-heading:visible")).to_have_count(0)


async def test_csv_result_has_no_sheet_sections(page, service, site):
    await compare(page, service, site, XHS_BASELINE, XHS_STARS)
    await expect_result(page)

    await expect(page.locator("#summary [data-count=rows_modified]")).to_have_text("1")
    await expect(page.locator("#other-sheets")).to_be_empty()
    await expect(page.locator("#sheets-change")).to_be_hidden()
    await expect(page.locator("#primary-sheet .sheet-heading")).to_be_hidden()
    await expect(page.locator("#primary-sheet .sheet-heading")).to_have_text("")
    await expect(page.locator(".sheet-result")).to_have_count(1)
