"""Message catalogs for user-facing text, Chinese first with English.

`translate(key, lang, **params)` looks a message up in the zh-CN or en
catalog. Keys are stable; the text may change. A missing key is a bug, so
it raises KeyError instead of printing the key.
"""

import os

DEFAULT_LANG = "zh-CN"
LANGS = ("zh-CN", "en")

CATALOGS: dict[str, dict[str, str]] = {
    "zh-CN": {
        # Error messages: one per error code.
        "error.invalid_request": "请求无效：{detail}",
        "error.host_not_allowed": "不允许打开主机 {host}：它不在站点配置或允许列表中。",
        "error.cookie_missing": "缺少 Cookie：请提供已登录会话的 Cookie。",
        "error.cookie_invalid": "Cookie 格式无效：{detail}",
        "error.cookie_expired": "{side}文档显示未登录：Cookie 无效或已过期。",
        "error.document_not_found": "{side}文档不存在：{url}",
        "error.permission_denied": "没有权限打开{side}文档：{url}",
        "error.export_failed": "{side}文档导出失败：{detail}",
        "error.download_timeout": "{side}文档超时：{detail}",
        "error.unsupported_format": "不支持的文件格式：{detail}",
        "error.parse_error": "无法解析{side}表格：{detail}",
        "error.file_too_large": "{side}文件过大：{size} 字节，上限 {limit} 字节。",
        "error.browser_crashed": "浏览器意外退出：{detail}",
        "error.cancelled": "任务已取消。",
        "error.internal": "内部错误：{detail}",
        "error.job_not_found": "任务 {job_id} 不存在或已过期。",
        "error.report_not_ready": "任务 {job_id} 还没有报告（状态：{status}）。",
        # What to do next, per error code.
        "hint.invalid_request": "请检查输入后重试。",
        "hint.host_not_allowed": "请使用受支持站点的文档链接，或请管理员把该主机加入 DOCDIFF_ALLOWED_HOSTS。",
        "hint.cookie_missing": "在浏览器登录文档站点，按 F12 打开开发者工具，在“网络”面板选中任一请求，复制请求头中 Cookie 的值。",
        "hint.cookie_invalid": "请粘贴 Cookie 请求头的值（name=value; name2=value2）或导出的 JSON Cookie 列表。",
        "hint.cookie_expired": "请在浏览器重新登录文档站点，按 F12 打开开发者工具，在“网络”面板选中任一请求，复制请求头中 Cookie 的最新值后重试。",
        "hint.document_not_found": "请检查文档链接是否正确、文档是否已被删除。",
        "hint.permission_denied": "请确认该 Cookie 对应的账号有查看和导出该文档的权限。",
        "hint.export_failed": "请稍后重试；如果持续失败，请在浏览器中手动导出确认。",
        "hint.download_timeout": "站点响应较慢，请稍后重试。",
        "hint.unsupported_format": "请使用 CSV 或 XLSX 文件。",
        "hint.parse_error": "请确认文件是完整的 CSV 或 XLSX 表格。",
        "hint.file_too_large": "请缩小表格，或请管理员调大 DOCDIFF_MAX_FILE_BYTES。",
        "hint.browser_crashed": "请重试；服务会自动重启浏览器。",
        "hint.cancelled": "如需结果，请重新发起比较。",
        "hint.internal": "请重试；如果持续出现，请把任务编号告诉管理员。",
        "hint.job_not_found": "请重新发起比较。",
        "hint.report_not_ready": "请等任务成功结束（result 事件）后再下载报告。",
        # Sides and stages.
        "side.baseline": "基线",
        "side.target": "目标",
        "stage.queued": "排队",
        "stage.login": "登录",
        "stage.baseline": "下载基线",
        "stage.target": "下载目标",
        "stage.diff": "比较",
        # Progress messages.
        "progress.queued": "任务已创建",
        "progress.login.started": "正在检查登录状态",
        "progress.login.done": "已登录",
        "progress.document.started": "正在打开{side}文档",
        "progress.document.exporting": "正在导出{side}文档 ({format})",
        "progress.document.done": "{side}文档已下载 ({rows} 行 × {columns} 列)",
        "progress.diff.started": "正在比较",
        "progress.diff.done": "比较完成：{changes} 处变化",
        # Command-line output.
        "cli.summary": "新增 {rows_added} 行，删除 {rows_removed} 行，修改 {rows_modified} 行（{cells_modified} 个单元格），移动 {rows_moved} 行，未变 {rows_unchanged} 行",
        "cli.columns": "新增列：{added}；删除列：{removed}",
        "cli.title_changed": "标题已修改：{old} → {new}",
        "cli.no_differences": "没有差异。",
        "cli.key": "按键列对齐：{key}",
        "cli.auto_key": "按自动识别的键列对齐：{key}",
        "cli.column_renamed": "列改名：{old} → {new}",
        "cli.columns_moved": "列位置变化：{columns}",
        "cli.content": "按内容对齐（未指定键列）",
        "cli.kind.added": "新增",
        "cli.kind.removed": "删除",
        "cli.kind.modified": "修改",
        "cli.kind.moved": "移动",
        "cli.col.kind": "类型",
        "cli.col.baseline_row": "基线行",
        "cli.col.target_row": "目标行",
        "cli.col.column": "列",
        "cli.col.old": "旧值",
        "cli.col.new": "新值",
        "cli.more": "……还有 {count} 处变化未显示（用 --limit 0 显示全部，或用 --json）",
        "cli.error": "错误 [{code}]：{message}",
        "cli.hint": "建议：{hint}",
        "cli.cookie_missing": "缺少 Cookie：用 --cookie-file 指定文件，或设置环境变量 DOCDIFF_COOKIE。",
        "cli.cookie_file_unreadable": "无法读取 Cookie 文件 {path}：{detail}",
        "cli.server_unreachable": "无法连接服务 {server}：{detail}。请先运行 docdiff serve。",
        "cli.file_unreadable": "无法读取文件 {path}：{detail}",
        "cli.file_unwritable": "无法写入文件 {path}：{detail}",
        "cli.demo.starting": "正在启动演示文档站点和比较服务……",
        "cli.demo.ready": "演示站点：{site}  服务：{service}",
        "cli.demo_site.ready": "演示文档站点已启动：{url}",
        "cli.demo_site.cookie": "会话 Cookie（粘贴到 docdiff 的 Cookie 输入框）：",
        "cli.demo_site.documents": "文档：",
        "cli.stage.started": "开始",
        "cli.stage.done": "完成",
        "cli.kind.unchanged": "未变",
        "report.sheet.diff": "差异",
        "report.sheet.summary": "摘要",
        "report.col.change": "变化",
        "report.col.baseline_row": "基线行",
        "report.col.target_row": "目标行",
        "report.col.old_values": "原值",
        "report.baseline": "基线",
        "report.target": "目标",
        "report.alignment": "键列",
        "report.title": "标题",
        "report.count.rows_added": "新增行",
        "report.count.rows_removed": "删除行",
        "report.count.rows_modified": "修改行",
        "report.count.rows_moved": "移动行",
        "report.count.rows_unchanged": "未变行",
        "report.count.cells_modified": "修改的单元格",
        "report.count.columns_added": "新增列数",
        "report.count.columns_removed": "删除列数",
        "report.count.columns_renamed": "改名列数",
        "report.count.columns_moved": "移动列数",
        "report.columns_added": "新增列",
        "report.columns_removed": "删除列",
        "report.columns_renamed": "改名列",
        "report.columns_moved": "移动列",
    },
    "en": {
        "error.invalid_request": "Invalid request: {detail}",
        "error.host_not_allowed": "Host {host} is not allowed: no site profile or allow-list entry names it.",
        "error.cookie_missing": "Cookie missing: give the cookie of a logged-in session.",
        "error.cookie_invalid": "Invalid cookie: {detail}",
        "error.cookie_expired": "The {side} document shows a login page: the cookie is invalid or expired.",
        "error.document_not_found": "The {side} document was not found: {url}",
        "error.permission_denied": "No permission to open the {side} document: {url}",
        "error.export_failed": "Export of the {side} document failed: {detail}",
        "error.download_timeout": "The {side} document timed out: {detail}",
        "error.unsupported_format": "Unsupported file format: {detail}",
        "error.parse_error": "Could not parse the {side} table: {detail}",
        "error.file_too_large": "The {side} file is too large: {size} bytes, the limit is {limit}.",
        "error.browser_crashed": "The browser exited unexpectedly: {detail}",
        "error.cancelled": "The job was cancelled.",
        "error.internal": "Internal error: {detail}",
        "error.job_not_found": "Job {job_id} does not exist or has expired.",
        "error.report_not_ready": "Job {job_id} has no report yet (status: {status}).",
        "hint.invalid_request": "Check the input and try again.",
        "hint.host_not_allowed": "Use a document link of a supported site, or ask the operator to add the host to DOCDIFF_ALLOWED_HOSTS.",
        "hint.cookie_missing": "Log in to the document site in your browser, press F12, pick any request in the Network panel and copy the value of its Cookie request header.",
        "hint.cookie_invalid": "Paste the Cookie request header value (name=value; name2=value2) or an exported JSON cookie list.",
        "hint.cookie_expired": "Log in to the document site again in your browser, press F12, pick any request in the Network panel, copy the fresh value of its Cookie request header and retry.",
        "hint.document_not_found": "Check that the document link is right and that the document still exists.",
        "hint.permission_denied": "Make sure the account behind the cookie may view and export the document.",
        "hint.export_failed": "Retry later; if it keeps failing, export the document by hand in the browser to check.",
        "hint.download_timeout": "The site is slow; retry later.",
        "hint.unsupported_format": "Use a CSV or XLSX file.",
        "hint.parse_error": "Make sure the file is a complete CSV or XLSX table.",
        "hint.file_too_large": "Make the sheet smaller, or ask the operator to raise DOCDIFF_MAX_FILE_BYTES.",
        "hint.browser_crashed": "Retry; the service restarts the browser by itself.",
        "hint.cancelled": "Start a new compare if you still need the result.",
        "hint.internal": "Retry; if it happens again, give the job id to the operator.",
        "hint.job_not_found": "Start a new compare.",
        "hint.report_not_ready": "Download the report after the job has succeeded (the result event).",
        "side.baseline": "baseline",
        "side.target": "target",
        "stage.queued": "Queued",
        "stage.login": "Log in",
        "stage.baseline": "Baseline download",
        "stage.target": "Target download",
        "stage.diff": "Compare",
        "progress.queued": "Job created",
        "progress.login.started": "Checking the login state",
        "progress.login.done": "Logged in",
        "progress.document.started": "Opening the {side} document",
        "progress.document.exporting": "Exporting the {side} document ({format})",
        "progress.document.done": "{side} document downloaded ({rows} rows × {columns} columns)",
        "progress.diff.started": "Comparing",
        "progress.diff.done": "Compare finished: {changes} changes",
        "cli.summary": "{rows_added} rows added, {rows_removed} removed, {rows_modified} modified ({cells_modified} cells), {rows_moved} moved, {rows_unchanged} unchanged",
        "cli.columns": "Columns added: {added}; removed: {removed}",
        "cli.title_changed": "Title changed: {old} → {new}",
        "cli.no_differences": "No differences.",
        "cli.key": "Rows aligned by key: {key}",
        "cli.auto_key": "Rows aligned by a key found automatically: {key}",
        "cli.column_renamed": "Column renamed: {old} → {new}",
        "cli.columns_moved": "Columns moved: {columns}",
        "cli.content": "Rows aligned by content (no key given)",
        "cli.kind.added": "added",
        "cli.kind.removed": "removed",
        "cli.kind.modified": "modified",
        "cli.kind.moved": "moved",
        "cli.col.kind": "Change",
        "cli.col.baseline_row": "Baseline row",
        "cli.col.target_row": "Target row",
        "cli.col.column": "Column",
        "cli.col.old": "Old",
        "cli.col.new": "New",
        "cli.more": "... {count} more changes not shown (use --limit 0 for all, or --json)",
        "cli.error": "Error [{code}]: {message}",
        "cli.hint": "Next: {hint}",
        "cli.cookie_missing": "Cookie missing: pass --cookie-file or set the DOCDIFF_COOKIE environment variable.",
        "cli.cookie_file_unreadable": "Cannot read the cookie file {path}: {detail}",
        "cli.server_unreachable": "Cannot reach the service at {server}: {detail}. Start it with docdiff serve.",
        "cli.file_unreadable": "Cannot read the file {path}: {detail}",
        "cli.file_unwritable": "Cannot write the file {path}: {detail}",
        "cli.demo.starting": "Starting the demo document site and the compare service...",
        "cli.demo.ready": "Demo site: {site}  service: {service}",
        "cli.demo_site.ready": "Demo document site running at {url}",
        "cli.demo_site.cookie": "Session cookie (paste it into docdiff's cookie field):",
        "cli.demo_site.documents": "Documents:",
        "cli.stage.started": "started",
        "cli.stage.done": "done",
        "cli.kind.unchanged": "unchanged",
        "report.sheet.diff": "Diff",
        "report.sheet.summary": "Summary",
        "report.col.change": "Change",
        "report.col.baseline_row": "Baseline row",
        "report.col.target_row": "Target row",
        "report.col.old_values": "Old values",
        "report.baseline": "Baseline",
        "report.target": "Target",
        "report.alignment": "Key",
        "report.title": "Title",
        "report.count.rows_added": "Rows added",
        "report.count.rows_removed": "Rows removed",
        "report.count.rows_modified": "Rows modified",
        "report.count.rows_moved": "Rows moved",
        "report.count.rows_unchanged": "Rows unchanged",
        "report.count.cells_modified": "Cells modified",
        "report.count.columns_added": "Columns added",
        "report.count.columns_removed": "Columns removed",
        "report.count.columns_renamed": "Columns renamed",
        "report.count.columns_moved": "Columns moved",
        "report.columns_added": "Added columns",
        "report.columns_removed": "Removed columns",
        "report.columns_renamed": "Renamed columns",
        "report.columns_moved": "Moved columns",
    },
}


def normalize_lang(lang: str | None) -> str:
    """Map a language tag such as `en-US`, `zh_CN.UTF-8` or `zh` to a catalog name."""
    if not lang:
        return DEFAULT_LANG
    tag = lang.replace("_", "-").split(".")[0].split(",")[0].strip().lower()
    if tag.startswith("en"):
        return "en"
    return DEFAULT_LANG


def lang_from_env() -> str:
    """Pick the CLI language from LC_ALL, LC_MESSAGES or LANG, as gettext does."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return normalize_lang(value)
    return DEFAULT_LANG


class _Params(dict):
    """Format parameters in which a missing name formats as an empty string."""

    def __missing__(self, key: str) -> str:
        return ""


def translate(message_key: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
    """Return the message `key` of the catalog for `lang`, with `params` filled in.

    A `side` parameter of `baseline` or `target` is translated too.
    """
    catalog = CATALOGS[normalize_lang(lang)]
    text = catalog[message_key]
    side = params.get("side")
    if side in ("baseline", "target"):
        params["side"] = catalog[f"side.{side}"]
    return text.format_map(_Params(params))
