// The docdiff web page: start a compare job, follow its Server-Sent Events and
// show the result. Data from the server and from spreadsheets is inserted with
// textContent only, never as HTML. The cookie goes only into the JSON body of
// POST /api/jobs. It is kept in localStorage only while "remember" is ticked,
// and it is never put in a URL or written to the console.
// The document URLs and the options are always kept in localStorage. The id of
// a running job is kept in sessionStorage, so a reload reconnects to the job.
"use strict";

(() => {
  const CATALOGS = {
    "zh-CN": {
      "title": "docdiff · 在线表格版本比较",
      "tagline": "比较在线表格的两个版本，找出新增、删除和修改的行。",
      "form.baseline": "基线文档链接",
      "form.baseline_help": "旧版本（比较的起点）。",
      "form.target": "目标文档链接",
      "form.target_help": "新版本（与基线比较）。",
      "form.url_placeholder": "https://docs.qq.com/sheet/…",
      "form.cookie": "Cookie",
      "form.cookie_placeholder": "name=value; name2=value2",
      "form.show": "显示",
      "form.hide": "隐藏",
      "form.remember": "在此浏览器中记住 Cookie",
      "form.cookie_help": "Cookie 只随比较请求发给本服务，用来以你的身份打开文档。",
      "form.options": "比较选项",
      "form.key": "键列（可选）",
      "form.key_placeholder": "序号, 负责人",
      "form.key_help": "用逗号分隔的列名，用来识别同一行。列名本身含逗号时，用双引号括起整个列名，如 \"计划,附件\", 序号。",
      "form.key_quotes": "键列的引号不成对：用双引号括起整个列名，如 \"计划,附件\", 序号。",
      "form.auto_key": "自动识别键列",
      "form.auto_key_help": "键列留空时，用两边都唯一且非空的一列（如序号）对齐行；找不到这样的列则按内容对齐。",
      "form.format": "导出格式",
      "form.ignore_case": "忽略大小写",
      "form.trim_whitespace": "忽略首尾空白",
      "form.stars_by_value": "星级按数值比较",
      "form.stars_by_value_help": "★★★☆☆ 与 3 相同。",
      "form.numbers_by_value": "数字按数值比较",
      "form.numbers_by_value_help": "1,000 与 1000 相同，90% 与 0.9 相同。",
      "form.dates_by_value": "日期按数值比较",
      "form.dates_by_value_help": "2025/5/27、2025-05-27、2025年5月27日 和 Excel 日期单元格相同。",
      "form.numeric_tolerance": "数值容差",
      "form.numeric_tolerance_help": "相差不超过此值的两个数字视为相同；0 表示必须相等。",
      "form.submit": "开始比较",
      "form.cancel": "取消",
      "form.cancelling": "正在取消……",
      "form.cancel_failed": "取消失败：{detail}",
      "form.reconnecting": "与服务的连接中断，正在重新连接……",
      "form.resuming": "正在恢复页面重新加载前的任务……",
      "progress.heading": "进度",
      "progress.log": "事件记录",
      "progress.elapsed": "已用时 {seconds}",
      "stage.queued": "排队",
      "stage.login": "登录",
      "stage.baseline": "下载基线",
      "stage.target": "下载目标",
      "stage.diff": "比较",
      "state.pending": "等待中",
      "state.running": "进行中",
      "state.done": "完成",
      "state.failed": "失败",
      "state.stopped": "已停止",
      "state.skipped": "未执行",
      "stage_message.queued.done": "任务已创建",
      "stage_message.login.running": "正在检查登录状态",
      "stage_message.login.done": "已登录",
      "stage_message.baseline.running": "正在导出基线文档",
      "stage_message.baseline.done": "基线文档已下载",
      "stage_message.baseline.done_size": "基线文档已下载（{rows} 行 × {columns} 列）",
      "stage_message.target.running": "正在导出目标文档",
      "stage_message.target.done": "目标文档已下载",
      "stage_message.target.done_size": "目标文档已下载（{rows} 行 × {columns} 列）",
      "stage_message.diff.running": "正在比较",
      "stage_message.diff.done": "比较完成",
      "stage_message.diff.done_count": "比较完成：{changes} 处变化",
      "stage_message.diff.done_count_title": "比较完成：{changes} 处变化，标题已修改",
      "stage_message.failed": "失败原因见下方错误信息",
      "stage_message.stopped": "另一步骤失败，已停止",
      "stage_message.cancelled": "任务已取消，已停止",
      "time.seconds": "{value} 秒",
      "error.heading": "比较失败",
      "error.cancelled_heading": "已取消",
      "error.report_heading": "报告下载失败",
      "error.next": "下一步：",
      "error.retry": "重试",
      "error.job": "任务编号：{id}",
      "error.lang_note": "服务返回的消息使用发起请求时的语言。",
      "cookie_help.heading": "如何复制新的 Cookie",
      "cookie_help.step1": "在浏览器中打开 docs.qq.com 并登录。",
      "cookie_help.step2": "按 F12 打开开发者工具，切换到“网络”（Network）面板，然后刷新页面。",
      "cookie_help.step3": "在请求列表中选中任一发往 docs.qq.com 的请求。",
      "cookie_help.step4": "在“请求标头”（Request Headers）中找到 Cookie，复制它的完整值。",
      "cookie_help.step5": "粘贴到上方的 Cookie 输入框，然后重新比较。",
      "client.network": "无法连接比较服务：{detail}",
      "client.network_hint": "请确认服务仍在运行，然后重试。",
      "client.http": "服务返回了意外的响应（HTTP {status}）。",
      "client.http_hint": "请重试；如果持续出现，请查看服务日志。",
      "client.connection_lost": "与服务的事件连接已断开，无法获知任务结果。",
      "client.connection_lost_hint": "请确认服务仍在运行，然后重新比较。",
      "result.heading": "比较结果",
      "result.download": "下载 JSON",
      "result.downloads": "下载",
      "result.download_xlsx": "下载高亮工作簿（XLSX）",
      "result.download_xlsx_title": "每张匹配的工作表各有一张差异表，变化用颜色标出，另有一张汇总表。",
      "result.download_csv": "下载 daff CSV",
      "result.download_csv_title": "主工作表的差异，采用 daff 的高亮 CSV 格式。",
      "result.no_differences": "两个版本没有差异。",
      "result.title_changed": "标题已修改",
      "result.columns_added": "新增列",
      "result.columns_removed": "删除列",
      "result.column_renamed": "列改名",
      "result.columns_moved": "位置移动的列",
      "result.filter": "按类型筛选",
      "result.moved_note": "“移动”也计入同时被修改的行，所以各类数量之和可能大于“全部”。",
      "result.empty_filter": "没有这一类的变化。",
      "result.show_all": "显示全部 {count} 处变化",
      "result.shown": "显示 {shown} / {total} 处变化",
      "result.key_user": "键列：{key}",
      "result.key_auto": "自动识别的键列：{key}",
      "result.aligned_by_content": "按内容对齐",
      "result.sheet_info": "{side}：{source} · {rows} 行 × {columns} 列",
      "result.no_title": "（无标题）",
      "result.empty_value": "（空）",
      "result.moved_only": "内容未变，行的位置移动了。",
      "result.blank_row": "（空行）",
      "result.similarity": "相似度 {percent}%",
      "result.sheet": "工作表：{sheet}",
      "result.sheet_pair": "工作表：{baseline} → {target}",
      "result.sheet_no_differences": "这张工作表的两个版本没有差异。",
      "result.sheets_added": "新增工作表",
      "result.sheets_removed": "删除工作表",
      "result.sheets_renamed": "改名工作表",
      "side.baseline": "基线",
      "side.target": "目标",
      "summary.rows_added": "新增行",
      "summary.rows_removed": "删除行",
      "summary.rows_modified": "修改行",
      "summary.rows_moved": "移动行",
      "summary.cells_modified": "修改的单元格",
      "summary.rows_unchanged": "未变行",
      "summary.columns_added": "新增列",
      "summary.columns_removed": "删除列",
      "summary.columns_renamed": "改名列",
      "summary.columns_moved": "移动列",
      "filter.all": "全部",
      "kind.added": "新增",
      "kind.removed": "删除",
      "kind.modified": "修改",
      "kind.moved": "移动",
      "table.kind": "类型",
      "table.baseline_row": "基线行",
      "table.target_row": "目标行",
      "table.details": "变化内容",
      "footer": "docdiff 在无界面浏览器中打开两个文档，通过站点自己的菜单导出，再比较两张表。",
    },
    "en": {
      "title": "docdiff · compare spreadsheet versions",
      "tagline": "Compare two versions of an online spreadsheet and see which rows were added, removed or modified.",
      "form.baseline": "Baseline document URL",
      "form.baseline_help": "The old version, the starting point of the compare.",
      "form.target": "Target document URL",
      "form.target_help": "The new version, compared with the baseline.",
      "form.url_placeholder": "https://docs.qq.com/sheet/…",
      "form.cookie": "Cookie",
      "form.cookie_placeholder": "name=value; name2=value2",
      "form.show": "Show",
      "form.hide": "Hide",
      "form.remember": "Remember the cookie in this browser",
      "form.cookie_help": "The cookie is sent only to this service, with the compare request, to open the documents as you.",
      "form.options": "Compare options",
      "form.key": "Key columns (optional)",
      "form.key_placeholder": "ID, Owner",
      "form.key_help": "Comma-separated column names that identify a row. Put a name that contains a comma in double quotes, as in \"Plan, files\", ID.",
      "form.key_quotes": "The quotes in the key columns do not pair up. Put a whole column name in double quotes, as in \"Plan, files\", ID.",
      "form.auto_key": "Find a key column automatically",
      "form.auto_key_help": "Without key columns, align rows by a column that is unique and non-empty on both sides, such as an ID. If there is none, align rows by content.",
      "form.format": "Export format",
      "form.ignore_case": "Ignore case",
      "form.trim_whitespace": "Trim whitespace",
      "form.stars_by_value": "Star ratings by value",
      "form.stars_by_value_help": "★★★☆☆ equals 3.",
      "form.numbers_by_value": "Numbers by value",
      "form.numbers_by_value_help": "1,000 equals 1000, and 90% equals 0.9.",
      "form.dates_by_value": "Dates by value",
      "form.dates_by_value_help": "2025/5/27, 2025-05-27, 2025年5月27日 and an Excel date cell are equal.",
      "form.numeric_tolerance": "Numeric tolerance",
      "form.numeric_tolerance_help": "Numbers that differ by at most this much are equal. 0: they must be equal.",
      "form.submit": "Compare",
      "form.cancel": "Cancel",
      "form.cancelling": "Cancelling…",
      "form.cancel_failed": "Cancel failed: {detail}",
      "form.reconnecting": "The connection to the service was lost. Reconnecting…",
      "form.resuming": "Resuming the job that was running before the page reloaded…",
      "progress.heading": "Progress",
      "progress.log": "Event log",
      "progress.elapsed": "{seconds} elapsed",
      "stage.queued": "Queued",
      "stage.login": "Log in",
      "stage.baseline": "Baseline download",
      "stage.target": "Target download",
      "stage.diff": "Compare",
      "state.pending": "pending",
      "state.running": "running",
      "state.done": "done",
      "state.failed": "failed",
      "state.stopped": "stopped",
      "state.skipped": "not run",
      "stage_message.queued.done": "Job created",
      "stage_message.login.running": "Checking the login state",
      "stage_message.login.done": "Logged in",
      "stage_message.baseline.running": "Exporting the baseline document",
      "stage_message.baseline.done": "Downloaded the baseline document",
      "stage_message.baseline.done_size": "Downloaded the baseline document ({rows} rows × {columns} columns)",
      "stage_message.target.running": "Exporting the target document",
      "stage_message.target.done": "Downloaded the target document",
      "stage_message.target.done_size": "Downloaded the target document ({rows} rows × {columns} columns)",
      "stage_message.diff.running": "Comparing",
      "stage_message.diff.done": "Compare finished",
      // A neutral form reads right for any count, including 1.
      "stage_message.diff.done_count": "Compare finished. Changes: {changes}",
      "stage_message.diff.done_count_title": "Compare finished. Changes: {changes}. The title changed.",
      "stage_message.failed": "See the error below",
      "stage_message.stopped": "Stopped because another stage failed",
      "stage_message.cancelled": "Stopped because the job was cancelled",
      "time.seconds": "{value} s",
      "error.heading": "Compare failed",
      "error.cancelled_heading": "Cancelled",
      "error.report_heading": "Report download failed",
      "error.next": "Next: ",
      "error.retry": "Retry",
      "error.job": "Job id: {id}",
      "error.lang_note": "Messages from the service are in the language of the request.",
      "cookie_help.heading": "How to copy a fresh cookie",
      "cookie_help.step1": "Open docs.qq.com in your browser and log in.",
      "cookie_help.step2": "Press F12 to open the developer tools, switch to the Network panel and reload the page.",
      "cookie_help.step3": "Pick any request to docs.qq.com in the request list.",
      "cookie_help.step4": "Under Request Headers, find Cookie and copy its whole value.",
      "cookie_help.step5": "Paste it into the Cookie field above and compare again.",
      "client.network": "Cannot reach the compare service: {detail}",
      "client.network_hint": "Make sure the service is still running, then retry.",
      "client.http": "The service sent an unexpected response (HTTP {status}).",
      "client.http_hint": "Retry. If it happens again, check the service log.",
      "client.connection_lost": "The event stream from the service closed, so the job's outcome is unknown.",
      "client.connection_lost_hint": "Make sure the service is still running, then compare again.",
      "result.heading": "Result",
      "result.download": "Download JSON",
      "result.downloads": "Downloads",
      "result.download_xlsx": "Download highlighted workbook (XLSX)",
      "result.download_xlsx_title": "One diff sheet per matched sheet, with the changes in color, plus a summary sheet.",
      "result.download_csv": "Download daff CSV",
      "result.download_csv_title": "The primary sheet's diff in daff's highlighter CSV format.",
      "result.no_differences": "The two versions have no differences.",
      "result.title_changed": "Title changed",
      "result.columns_added": "Columns added",
      "result.columns_removed": "Columns removed",
      "result.column_renamed": "Column renamed",
      "result.columns_moved": "Columns moved",
      "result.filter": "Filter by kind",
      "result.moved_note": "Moved also counts rows that were modified, so the kinds can add up to more than All.",
      "result.empty_filter": "No changes of this kind.",
      "result.show_all": "Show all {count} changes",
      "result.shown": "Showing {shown} of {total} changes",
      "result.key_user": "Key: {key}",
      "result.key_auto": "Key found automatically: {key}",
      "result.aligned_by_content": "Aligned by content",
      "result.sheet_info": "{side}: {source} · {rows} rows × {columns} columns",
      "result.no_title": "(no title)",
      "result.empty_value": "(empty)",
      "result.moved_only": "Same content; the row moved.",
      "result.blank_row": "(blank row)",
      "result.similarity": "{percent}% similar",
      "result.sheet": "Sheet: {sheet}",
      "result.sheet_pair": "Sheet: {baseline} → {target}",
      "result.sheet_no_differences": "The two versions of this sheet have no differences.",
      "result.sheets_added": "Sheets added",
      "result.sheets_removed": "Sheets removed",
      "result.sheets_renamed": "Sheets renamed",
      "side.baseline": "Baseline",
      "side.target": "Target",
      "summary.rows_added": "Rows added",
      "summary.rows_removed": "Rows removed",
      "summary.rows_modified": "Rows modified",
      "summary.rows_moved": "Rows moved",
      "summary.cells_modified": "Cells modified",
      "summary.rows_unchanged": "Rows unchanged",
      "summary.columns_added": "Columns added",
      "summary.columns_removed": "Columns removed",
      "summary.columns_renamed": "Columns renamed",
      "summary.columns_moved": "Columns moved",
      "filter.all": "All",
      "kind.added": "Added",
      "kind.removed": "Removed",
      "kind.modified": "Modified",
      "kind.moved": "Moved",
      "table.kind": "Change",
      "table.baseline_row": "Baseline row",
      "table.target_row": "Target row",
      "table.details": "Details",
      "footer": "docdiff opens both documents in a headless browser, exports them through the site's own menu and compares the two tables.",
    },
  };

  const STAGES = ["queued", "login", "baseline", "target", "diff"];
  const KEY_SEPARATORS = new Set([",", "，"]);
  const KEY_OPENING_QUOTES = new Set(['"', "“"]);
  const KEY_CLOSING_QUOTES = new Set(['"', "”"]);
  const KINDS = ["added", "removed", "modified", "moved"];
  // At full width the cards form two rows of five: the row counts, then the cell and column counts.
  const SUMMARY_COUNTS = [
    ["rows_added", "added"],
    ["rows_removed", "removed"],
    ["rows_modified", "modified"],
    ["rows_moved", "moved"],
    ["rows_unchanged", "neutral"],
    ["cells_modified", "modified"],
    ["columns_added", "added"],
    ["columns_removed", "removed"],
    ["columns_renamed", "modified"],
    ["columns_moved", "moved"],
  ];
  const COOKIE_ERROR_CODES = new Set(["cookie_expired", "cookie_missing"]);
  const STAGE_ICONS = { done: "✓", failed: "✕", stopped: "–" };
  // Rows rendered before "show all": enough to browse, small enough to stay responsive.
  const INITIAL_ROW_LIMIT = 500;
  const COOKIE_STORAGE_KEY = "docdiff.cookie";
  const LANG_STORAGE_KEY = "docdiff.lang";
  const FORM_STORAGE_KEY = "docdiff.form";
  const JOB_SESSION_KEY = "docdiff.job";
  // Form fields kept in localStorage, as [element name, property]. The cookie is not one of them.
  const REMEMBERED_FIELDS = [
    ["baseline", "value"],
    ["target", "value"],
    ["key", "value"],
    ["format", "value"],
    ["numericTolerance", "value"],
    ["autoKey", "checked"],
    ["ignoreCase", "checked"],
    ["trimWhitespace", "checked"],
    ["starsByValue", "checked"],
    ["numbersByValue", "checked"],
    ["datesByValue", "checked"],
  ];
  // How often the page reopens the event stream of a job that the status
  // record still shows as running, before it reports the connection as lost.
  const MAX_STREAM_REOPENS = 3;

  const $ = (selector) => document.querySelector(selector);

  const elements = {
    form: $("#compare-form"),
    baseline: $("#baseline"),
    target: $("#target"),
    cookie: $("#cookie"),
    toggleCookie: $("#toggle-cookie"),
    remember: $("#remember-cookie"),
    key: $("#key"),
    format: $("#format"),
    autoKey: $("#auto-key"),
    ignoreCase: $("#ignore-case"),
    trimWhitespace: $("#trim-whitespace"),
    starsByValue: $("#stars-by-value"),
    numbersByValue: $("#numbers-by-value"),
    datesByValue: $("#dates-by-value"),
    numericTolerance: $("#numeric-tolerance"),
    submit: $("#submit"),
    cancel: $("#cancel"),
    formStatus: $("#form-status"),
    progressPanel: $("#progress-panel"),
    progressBar: $("#progress-bar"),
    progressFill: $("#progress-bar .progress-fill"),
    elapsed: $("#elapsed"),
    stages: $("#stages"),
    eventLog: $("#event-log"),
    error: $("#error"),
    errorTitle: $("#error-title"),
    errorCode: $("#error-code"),
    errorMessage: $("#error-message"),
    errorHint: $("#error-hint"),
    cookieHelp: $("#cookie-help"),
    errorJob: $("#error-job"),
    errorLangNote: $("#error-lang-note"),
    retry: $("#retry"),
    result: $("#result"),
    sheetsChange: $("#sheets-change"),
    sheetsAddedLine: $("#sheets-added-line"),
    sheetsAdded: $("#sheets-added"),
    sheetsRemovedLine: $("#sheets-removed-line"),
    sheetsRemoved: $("#sheets-removed"),
    sheetsRenamedLine: $("#sheets-renamed-line"),
    sheetsRenamed: $("#sheets-renamed"),
    primarySheet: $("#primary-sheet"),
    otherSheets: $("#other-sheets"),
    downloadJson: $("#download-json"),
    downloadXlsx: $("#download-xlsx"),
    downloadCsv: $("#download-csv"),
  };

  // A copy of the primary sheet's block, taken before anything is rendered
  // into it, for the blocks of the other sheets. The ids stay on the primary
  // block only, and the copies are found by their data-part attributes.
  const SHEET_TEMPLATE = elements.primarySheet.cloneNode(true);
  SHEET_TEMPLATE.removeAttribute("id");
  for (const element of SHEET_TEMPLATE.querySelectorAll("[id]")) {
    element.removeAttribute("id");
  }

  const state = {
    lang: "zh-CN",
    job: null, // the current or last job, see createJob()
    result: null, // {jobId, payload} of the last successful job
    error: null, // the error object shown in #error
    primaryView: createSheetView(elements.primarySheet),
    otherViews: null, // one sheet view per entry of other_sheets, built by renderResult()
  };

  // --- Text ------------------------------------------------------------------

  function t(key, params = {}) {
    const catalog = CATALOGS[state.lang] || CATALOGS["zh-CN"];
    const text = catalog[key] ?? CATALOGS["zh-CN"][key] ?? key;
    return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
  }

  function hasText(key) {
    return key in CATALOGS["zh-CN"];
  }

  function formatNumber(value) {
    return Number(value || 0).toLocaleString(state.lang);
  }

  function formatSeconds(ms) {
    return t("time.seconds", { value: (Math.max(ms, 0) / 1000).toFixed(1) });
  }

  function detectLanguage() {
    const stored = readStorage(LANG_STORAGE_KEY);
    if (stored === "en" || stored === "zh-CN") {
      return stored;
    }
    const browserLang = (navigator.language || "").toLowerCase();
    return browserLang.startsWith("en") ? "en" : "zh-CN";
  }

  function applyLanguage(lang) {
    state.lang = lang;
    document.documentElement.lang = lang;
    document.title = t("title");
    translateStaticText(document);
    for (const button of document.querySelectorAll("#lang-switch button")) {
      button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
    }
    updateCookieToggle();
    checkKeyColumns();
    renderStages();
    renderElapsed();
    if (state.error) {
      renderError();
    }
    if (state.result) {
      renderResult();
    }
  }

  // Set the text, placeholders and labels that the markup names by catalog key.
  function translateStaticText(root) {
    for (const element of root.querySelectorAll("[data-i18n]")) {
      element.textContent = t(element.dataset.i18n);
    }
    for (const element of root.querySelectorAll("[data-i18n-placeholder]")) {
      element.placeholder = t(element.dataset.i18nPlaceholder);
    }
    for (const element of root.querySelectorAll("[data-i18n-aria-label]")) {
      element.setAttribute("aria-label", t(element.dataset.i18nAriaLabel));
    }
    for (const element of root.querySelectorAll("[data-i18n-title]")) {
      element.title = t(element.dataset.i18nTitle);
    }
  }

  // --- Storage ---------------------------------------------------------------

  // Web storage throws when the browser disables it, and then the page works
  // without remembering anything. `area` is "localStorage" or "sessionStorage".
  function readStorage(key, area = "localStorage") {
    try {
      return window[area].getItem(key);
    } catch {
      return null;
    }
  }

  function writeStorage(key, value, area = "localStorage") {
    try {
      if (value === null || value === "") {
        window[area].removeItem(key);
      } else {
        window[area].setItem(key, value);
      }
    } catch {
      // Storage unavailable: nothing is remembered.
    }
  }

  function readStoredJson(key, area = "localStorage") {
    const text = readStorage(key, area);
    if (!text) {
      return null;
    }
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }

  function saveForm() {
    const saved = {};
    for (const [name, property] of REMEMBERED_FIELDS) {
      saved[name] = elements[name][property];
    }
    writeStorage(FORM_STORAGE_KEY, JSON.stringify(saved));
  }

  // Fill the form from localStorage. Values of the wrong type, for example
  // from an older version of this page, are skipped.
  function restoreForm() {
    const saved = readStoredJson(FORM_STORAGE_KEY);
    if (!saved || typeof saved !== "object") {
      return;
    }
    for (const [name, property] of REMEMBERED_FIELDS) {
      const value = saved[name];
      const expectedType = property === "checked" ? "boolean" : "string";
      if (typeof value === expectedType) {
        elements[name][property] = value;
      }
    }
    // A select set to a value it has no option for selects nothing.
    if (elements.format.value === "") {
      elements.format.value = "csv";
    }
    checkKeyColumns();
  }

  function rememberJob(job) {
    const saved = { id: job.id, statusUrl: job.statusUrl, eventsUrl: job.eventsUrl, lang: job.lang };
    writeStorage(JOB_SESSION_KEY, JSON.stringify(saved), "sessionStorage");
  }

  function forgetJob() {
    writeStorage(JOB_SESSION_KEY, null, "sessionStorage");
  }

  function syncRememberedCookie() {
    writeStorage(COOKIE_STORAGE_KEY, elements.remember.checked ? elements.cookie.value : null);
  }

  function restoreRememberedCookie() {
    const stored = readStorage(COOKIE_STORAGE_KEY);
    if (stored) {
      elements.cookie.value = stored;
      elements.remember.checked = true;
    }
  }

  function updateCookieToggle() {
    const cookieVisible = elements.cookie.type === "text";
    elements.toggleCookie.textContent = t(cookieVisible ? "form.hide" : "form.show");
    elements.toggleCookie.setAttribute("aria-pressed", String(cookieVisible));
  }

  // --- Request -----------------------------------------------------------------

  // Split the key columns box into column names. A comma or a full-width comma
  // (as typed with a Chinese input method) separates names. A name in double
  // quotes may contain commas. It opens with " or “ and closes at the next " or ”,
  // and "" inside it is one quote character, as in CSV. Unquoted names are
  // trimmed. Returns null when a quote is not closed or text follows a closing quote.
  function parseKeyColumns(text) {
    const names = [];
    let position = skipSpaces(text, 0);
    for (;;) {
      let name;
      if (KEY_OPENING_QUOTES.has(text[position])) {
        const quoted = readQuotedName(text, position + 1);
        if (quoted === null) {
          return null;
        }
        name = quoted.name;
        position = skipSpaces(text, quoted.end);
        if (position < text.length && !KEY_SEPARATORS.has(text[position])) {
          return null;
        }
      } else {
        let end = position;
        while (end < text.length && !KEY_SEPARATORS.has(text[end])) {
          end += 1;
        }
        name = text.slice(position, end).trim();
        position = end;
      }
      if (name !== "") {
        names.push(name);
      }
      if (position >= text.length) {
        return names;
      }
      position = skipSpaces(text, position + 1);
    }
  }

  function skipSpaces(text, position) {
    while (position < text.length && /\s/.test(text[position])) {
      position += 1;
    }
    return position;
  }

  // Read a quoted name from `start`, just after its opening quote. Returns
  // {name, end} with `end` just after the closing quote, or null if there is none.
  function readQuotedName(text, start) {
    let name = "";
    let position = start;
    while (position < text.length) {
      const char = text[position];
      if (char === '"' && text[position + 1] === '"') {
        name += '"';
        position += 2;
      } else if (KEY_CLOSING_QUOTES.has(char)) {
        return { name, end: position + 1 };
      } else {
        name += char;
        position += 1;
      }
    }
    return null;
  }

  // Mark the key columns box invalid while its quotes do not pair up, so the
  // browser's form validation blocks the submit and shows the message.
  function checkKeyColumns() {
    const valid = parseKeyColumns(elements.key.value) !== null;
    elements.key.setCustomValidity(valid ? "" : t("form.key_quotes"));
  }

  // The browser's form validation blocks a submit with a negative or
  // non-numeric tolerance (min="0" on a number input). An empty field is sent as 0.
  function readTolerance() {
    const value = elements.numericTolerance.valueAsNumber;
    return Number.isFinite(value) ? value : 0;
  }

  function buildRequest(keyColumns) {
    return {
      baseline: elements.baseline.value.trim(),
      target: elements.target.value.trim(),
      cookie: elements.cookie.value.trim(),
      format: elements.format.value,
      lang: state.lang,
      options: {
        key: keyColumns,
        auto_key: elements.autoKey.checked,
        ignore_case: elements.ignoreCase.checked,
        trim_whitespace: elements.trimWhitespace.checked,
        stars_by_value: elements.starsByValue.checked,
        numbers_by_value: elements.numbersByValue.checked,
        dates_by_value: elements.datesByValue.checked,
        numeric_tolerance: readTolerance(),
      },
    };
  }

  // Resolve a URL from the service against this page's origin. The service
  // builds absolute URLs from the Host it saw, which behind a proxy may not be
  // the origin this page was loaded from.
  function sameOriginUrl(url) {
    const resolved = new URL(url, window.location.href);
    if (resolved.origin === window.location.origin) {
      return resolved.href;
    }
    return new URL(resolved.pathname + resolved.search, window.location.href).href;
  }

  async function startJob() {
    if (state.job && !state.job.finished) {
      return;
    }
    const keyColumns = parseKeyColumns(elements.key.value);
    if (keyColumns === null) {
      // Reached only when form validation is off, because checkKeyColumns() blocks the submit.
      checkKeyColumns();
      elements.key.reportValidity();
      return;
    }
    const request = buildRequest(keyColumns);
    syncRememberedCookie();
    saveForm();
    resetView();
    const job = createJob(request.lang);
    state.job = job;
    renderStages();
    renderProgress();
    setRunning(true);

    let response;
    try {
      response = await fetch("api/jobs", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "Accept-Language": state.lang,
        },
        body: JSON.stringify(request),
        cache: "no-store",
      });
    } catch (error) {
      failBeforeStart(job, clientError("network_error", "client.network", "client.network_hint", { detail: error.message }, true));
      return;
    }

    // The service rejects what it can check without the browser (cookie, URL,
    // host, unknown fields) with a 4xx and an error body, before any job exists.
    const body = await readJson(response);
    if (response.status !== 202 || !body || !body.id || !body.events_url) {
      failBeforeStart(job, errorFromResponse(response, body, request.lang));
      return;
    }

    job.id = body.id;
    job.statusUrl = sameOriginUrl(body.status_url || `api/jobs/${encodeURIComponent(body.id)}`);
    job.eventsUrl = sameOriginUrl(body.events_url);
    rememberJob(job);
    elements.cancel.disabled = false;
    openEvents(job);
  }

  // Reconnect to the job that this tab followed before a reload, if the
  // job's id is still in sessionStorage.
  function resumeJob() {
    const saved = readStoredJson(JOB_SESSION_KEY, "sessionStorage");
    if (!saved || typeof saved.id !== "string" || typeof saved.statusUrl !== "string") {
      forgetJob();
      return;
    }
    resetView();
    const job = createJob(typeof saved.lang === "string" ? saved.lang : state.lang);
    job.id = saved.id;
    job.resumed = true;
    job.statusUrl = sameOriginUrl(saved.statusUrl);
    job.eventsUrl = typeof saved.eventsUrl === "string" ? sameOriginUrl(saved.eventsUrl) : null;
    state.job = job;
    renderStages();
    renderProgress();
    setRunning(true);
    elements.formStatus.textContent = t("form.resuming");
    syncFromStatus(job);
  }

  async function readJson(response) {
    try {
      return await response.json();
    } catch {
      return null;
    }
  }

  // An error made by this page. Its text is looked up again on every render,
  // so it follows the language switch.
  function clientError(code, messageKey, hintKey, params = {}, retryable = true) {
    return { code, messageKey, hintKey, params, stage: null, retryable };
  }

  // `lang` is the language the service wrote the message in.
  function errorFromResponse(response, body, lang) {
    if (body && body.error && body.error.code) {
      return { ...body.error, lang };
    }
    return clientError(`http_${response.status}`, "client.http", "client.http_hint", { status: response.status }, response.status >= 500);
  }

  function errorMessage(error) {
    return error.messageKey ? t(error.messageKey, error.params) : error.message || "";
  }

  function errorHint(error) {
    return error.hintKey ? t(error.hintKey, error.params) : error.hint || "";
  }

  // --- Job and events ----------------------------------------------------------

  // `lang` is the request's `lang`, the language of the job's messages.
  function createJob(lang) {
    const stages = {};
    for (const stage of STAGES) {
      // stopReason: "failed" or "cancelled", set when a running stage is stopped.
      stages[stage] = { state: "pending", startedMs: null, doneMs: null, message: "", stopReason: null };
    }
    return {
      id: null,
      lang,
      resumed: false,
      statusUrl: null,
      eventsUrl: null,
      source: null,
      streamOpens: 0,
      seenEventIds: new Set(),
      stages,
      progress: 0,
      finished: false,
      outcome: "running", // running | done | failed
      clockStart: performance.now(),
      elapsedMs: null, // set from the terminal event
      timer: null,
    };
  }

  function openEvents(job) {
    const source = new EventSource(job.eventsUrl);
    job.source = source;
    job.streamOpens += 1;

    source.addEventListener("open", () => {
      if (job === state.job && !job.finished) {
        elements.formStatus.textContent = "";
      }
    });
    source.addEventListener("progress", (event) => {
      const data = acceptEvent(job, event);
      if (data) {
        handleProgress(job, data);
      }
    });
    source.addEventListener("result", (event) => {
      const data = acceptEvent(job, event);
      if (data) {
        handleResult(job, data);
      }
    });
    // "error" is both the job's terminal SSE event (a MessageEvent with data)
    // and EventSource's own connection error (a plain Event).
    source.addEventListener("error", (event) => {
      if (typeof event.data === "string") {
        const data = acceptEvent(job, event);
        if (data) {
          handleJobError(job, data);
        }
        return;
      }
      handleConnectionError(job, source);
    });
  }

  // Return the parsed data of an event the page has not handled yet, else null.
  // After a reconnect the service resumes after Last-Event-ID. A stream opened
  // anew (after a reload or a closed stream) starts from the first event, and
  // the id check keeps a replayed event from being applied twice.
  function acceptEvent(job, event) {
    if (job !== state.job || job.finished) {
      return null;
    }
    const eventId = event.lastEventId;
    if (eventId) {
      if (job.seenEventIds.has(eventId)) {
        return null;
      }
      job.seenEventIds.add(eventId);
    }
    try {
      return JSON.parse(event.data);
    } catch {
      return null;
    }
  }

  function handleProgress(job, data) {
    const entry = job.stages[data.stage];
    if (entry) {
      if (data.state === "started") {
        entry.state = "running";
        entry.startedMs = data.elapsed_ms;
      } else if (data.state === "done") {
        entry.state = "done";
        entry.doneMs = data.elapsed_ms;
      }
      if (data.message) {
        entry.message = data.message;
      }
    }
    if (typeof data.progress === "number") {
      job.progress = Math.max(job.progress, Math.min(data.progress, 1));
    }
    appendLog(data.elapsed_ms, data.stage, data.message);
    renderStages();
    renderProgress();
  }

  function handleResult(job, data) {
    finishJob(job, "done", data.elapsed_ms);
    job.progress = 1;
    state.result = { jobId: job.id, payload: data.result };
    state.primaryView.filter = "all";
    state.primaryView.showAll = false;
    state.otherViews = null;
    renderStages();
    renderProgress();
    renderResult();
  }

  // `lang` is the language of the error's message. It is the job's language
  // unless the error came from another request.
  function handleJobError(job, data, lang = job.lang) {
    const error = { ...data, job_id: data.job_id || job.id, lang };
    finishJob(job, "failed", data.elapsed_ms);
    markEndedStages(job, data.stage, data.code, errorMessage(error));
    appendLog(data.elapsed_ms, data.stage, errorMessage(error));
    renderStages();
    renderProgress();
    showError(error);
  }

  // Mark the stages that an error event ended. The event's `stage` names the
  // stage that failed, and that stage may not have started yet, because an
  // older service names a side while login is still running. So a running stage
  // is marked failed in preference to a pending one. The other running stages
  // were stopped, not failed, and the stages that never started are skipped.
  function markEndedStages(job, errorStage, code, message) {
    const entries = job.stages;
    const running = STAGES.filter((stage) => entries[stage].state === "running");
    let failed;
    if (code === "cancelled") {
      failed = [];
    } else if (entries[errorStage] && entries[errorStage].state === "running") {
      failed = [errorStage];
    } else if (running.length > 0) {
      failed = running;
    } else {
      failed = entries[errorStage] ? [errorStage] : [];
    }
    for (const stage of STAGES) {
      const entry = entries[stage];
      if (failed.includes(stage)) {
        entry.state = "failed";
        entry.message = message || entry.message;
      } else if (entry.state === "running") {
        entry.state = "stopped";
        entry.stopReason = code === "cancelled" ? "cancelled" : "failed";
      } else if (entry.state === "pending") {
        entry.state = "skipped";
      }
    }
  }

  function handleConnectionError(job, source) {
    if (job !== state.job || job.finished) {
      source.close();
      return;
    }
    if (source.readyState === EventSource.CONNECTING) {
      elements.formStatus.textContent = t("form.reconnecting");
      return;
    }
    // CLOSED: the browser gave up, for example on a 404 for an expired job.
    syncFromStatus(job);
  }

  // Read the job record and act on it: show the outcome of a finished job, or
  // follow the events of one still running. Called after a reload, when the
  // event stream closed for good, and when a cancel found the job finished.
  async function syncFromStatus(job) {
    let response = null;
    let body = null;
    try {
      response = await fetch(job.statusUrl, { headers: { "Accept": "application/json", "Accept-Language": state.lang }, cache: "no-store" });
      body = await readJson(response);
    } catch {
      body = null;
    }
    if (job !== state.job || job.finished) {
      return;
    }
    if (body && body.status === "succeeded" && body.result) {
      handleResult(job, { job_id: job.id, elapsed_ms: null, result: body.result });
    } else if (response && response.ok && body && body.error && body.error.code) {
      handleJobError(job, { job_id: job.id, elapsed_ms: null, ...body.error });
    } else if (response && !response.ok && body && body.error && body.error.code) {
      // For example job_not_found once the job expired, in the language of this request.
      handleJobError(job, { job_id: job.id, elapsed_ms: null, ...body.error }, state.lang);
    } else if (body && (body.status === "queued" || body.status === "running")) {
      followRunningJob(job, body);
    } else {
      handleJobError(job, { job_id: job.id, elapsed_ms: null, ...clientError("connection_lost", "client.connection_lost", "client.connection_lost_hint") });
    }
  }

  function followRunningJob(job, record) {
    if (record.request && typeof record.request.lang === "string") {
      job.lang = record.request.lang;
    }
    if (job.resumed && typeof record.created_at === "number") {
      // NOTE: this assumes the browser's clock agrees with the service's. The
      // result only moves the elapsed time shown until the job ends.
      job.clockStart = performance.now() - Math.max(0, Date.now() - record.created_at * 1000);
    }
    if (typeof record.events_url === "string") {
      job.eventsUrl = sameOriginUrl(record.events_url);
    }
    if (job.source && job.source.readyState !== EventSource.CLOSED) {
      return;
    }
    if (job.streamOpens > MAX_STREAM_REOPENS || !job.eventsUrl) {
      handleJobError(job, { job_id: job.id, elapsed_ms: null, ...clientError("connection_lost", "client.connection_lost", "client.connection_lost_hint") });
      return;
    }
    openEvents(job);
  }

  function finishJob(job, outcome, elapsedMs) {
    job.finished = true;
    job.outcome = outcome;
    if (typeof elapsedMs === "number") {
      job.elapsedMs = elapsedMs;
    }
    if (job.source) {
      job.source.close();
    }
    forgetJob();
    setRunning(false);
    elements.formStatus.textContent = "";
  }

  function failBeforeStart(job, error) {
    finishJob(job, "failed", null);
    elements.progressPanel.hidden = true;
    showError(error);
  }

  async function cancelJob() {
    const job = state.job;
    if (!job || job.finished || !job.id) {
      return;
    }
    elements.cancel.disabled = true;
    elements.formStatus.textContent = t("form.cancelling");

    let response;
    try {
      response = await fetch(`api/jobs/${encodeURIComponent(job.id)}`, {
        method: "DELETE",
        headers: { "Accept": "application/json", "Accept-Language": state.lang },
      });
    } catch (error) {
      cancelFailed(job, error.message);
      return;
    }

    const body = await readJson(response);
    if (response.status === 409 && body && body.error && body.error.code === "job_finished") {
      // The job ended before the cancel reached it, and its terminal event
      // may not have arrived yet, so the page shows the outcome from the job record.
      if (job === state.job && !job.finished) {
        elements.formStatus.textContent = "";
      }
      syncFromStatus(job);
      return;
    }
    if (!response.ok) {
      cancelFailed(job, body && body.error ? body.error.message : `HTTP ${response.status}`);
      return;
    }

    // The `error` event with code `cancelled` normally arrives on the stream;
    // the job record is a fallback in case the stream is down.
    if (!job.finished && body && body.error && body.error.code) {
      handleJobError(job, { job_id: job.id, elapsed_ms: null, ...body.error });
    }
  }

  function cancelFailed(job, detail) {
    if (job !== state.job || job.finished) {
      return;
    }
    elements.cancel.disabled = false;
    elements.formStatus.textContent = t("form.cancel_failed", { detail });
  }

  // --- Rendering: form and progress --------------------------------------------

  function setRunning(running) {
    const job = state.job;
    elements.submit.disabled = running;
    elements.submit.setAttribute("aria-busy", String(running));
    elements.cancel.hidden = !running;
    elements.cancel.disabled = !running || !job || !job.id;
    if (job && job.timer !== null && !running) {
      clearInterval(job.timer);
      job.timer = null;
    }
    if (running && job) {
      job.timer = setInterval(renderElapsed, 200);
    }
    renderElapsed();
  }

  function resetView() {
    state.error = null;
    state.result = null;
    elements.error.hidden = true;
    elements.result.hidden = true;
    renderReportLinks();
    elements.progressPanel.hidden = false;
    elements.eventLog.replaceChildren();
    elements.formStatus.textContent = "";
  }

  function renderElapsed() {
    const job = state.job;
    if (!job) {
      elements.elapsed.textContent = "";
      return;
    }
    const ms = job.finished && job.elapsedMs !== null ? job.elapsedMs : performance.now() - job.clockStart;
    elements.elapsed.textContent = t("progress.elapsed", { seconds: formatSeconds(ms) });
  }

  function renderProgress() {
    const job = state.job;
    const percent = job ? Math.round(job.progress * 100) : 0;
    elements.progressFill.style.width = `${percent}%`;
    elements.progressBar.setAttribute("aria-valuenow", String(percent));
    elements.progressBar.dataset.state = job ? job.outcome : "running";
  }

  function renderStages() {
    const job = state.job;
    for (const item of elements.stages.querySelectorAll("li[data-stage]")) {
      const stage = item.dataset.stage;
      const entry = job ? job.stages[stage] : { state: "pending", message: "" };
      item.dataset.state = entry.state;

      const icon = document.createElement("span");
      icon.className = "stage-icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = STAGE_ICONS[entry.state] || "";

      const name = document.createElement("span");
      name.className = "stage-name";
      name.textContent = t(`stage.${stage}`);

      const status = document.createElement("span");
      status.className = "stage-status";
      if (entry.state === "done" && entry.doneMs !== null) {
        const startedMs = entry.startedMs ?? entry.doneMs;
        status.textContent = formatSeconds(entry.doneMs - startedMs);
      } else {
        status.textContent = t(`state.${entry.state}`);
      }

      const head = document.createElement("div");
      head.className = "stage-head";
      head.append(name, status);

      // One line at most: the card cuts a long message with an ellipsis, the
      // title shows it whole, and the error panel shows a failure in full.
      const message = document.createElement("div");
      message.className = "stage-message";
      const text = job ? stageMessage(job, stage, entry) : "";
      message.textContent = text;
      if (text) {
        message.title = text;
      }

      const body = document.createElement("div");
      body.className = "stage-body";
      body.append(head, message);

      item.replaceChildren(icon, body);
    }
  }

  // Return the message of a stage card. The service writes its messages in the
  // job's language, with details such as row counts, so the page shows them
  // while it is in that language. In another language the page builds the
  // message from the stage and its state, with counts from the result if any.
  function stageMessage(job, stage, entry) {
    if (entry.state === "stopped") {
      return t(entry.stopReason === "cancelled" ? "stage_message.cancelled" : "stage_message.stopped");
    }
    if (entry.state === "pending" || entry.state === "skipped") {
      return "";
    }
    if (job.lang === state.lang) {
      return entry.message;
    }
    if (entry.state === "failed") {
      return t("stage_message.failed");
    }
    return translatedStageMessage(job, stage, entry.state);
  }

  function translatedStageMessage(job, stage, stageState) {
    const payload = state.result && state.result.jobId === job.id ? state.result.payload : null;
    if (payload && stageState === "done") {
      const sheet = payload[stage];
      if ((stage === "baseline" || stage === "target") && sheet) {
        return t(`stage_message.${stage}.done_size`, { rows: formatNumber(sheet.rows), columns: formatNumber(sheet.columns) });
      }
      if (stage === "diff") {
        // Every sheet's changes, as the service counts them.
        const sheets = [payload, ...(payload.other_sheets || [])];
        const changes = sheets.reduce((total, sheet) => total + (sheet.changes || []).length, 0);
        const titleChanged = payload.summary && payload.summary.title_changed;
        const key = titleChanged ? "stage_message.diff.done_count_title" : "stage_message.diff.done_count";
        return t(key, { changes: formatNumber(changes) });
      }
    }
    const key = `stage_message.${stage}.${stageState}`;
    return hasText(key) ? t(key) : "";
  }

  function appendLog(elapsedMs, stage, message) {
    const item = document.createElement("li");
    const time = document.createElement("span");
    time.className = "log-time";
    time.textContent = typeof elapsedMs === "number" ? formatSeconds(elapsedMs) : "";
    const text = document.createElement("span");
    text.textContent = STAGES.includes(stage) ? `${t(`stage.${stage}`)} · ${message || ""}` : message || "";
    item.append(time, text);
    elements.eventLog.append(item);
  }

  // --- Rendering: error ------------------------------------------------------------

  function showError(error) {
    state.error = error;
    renderError();
    elements.error.hidden = false;
    if (COOKIE_ERROR_CODES.has(error.code)) {
      elements.cookie.focus();
    }
    elements.error.scrollIntoView({ block: "nearest" });
  }

  function renderError() {
    const error = state.error;
    elements.error.dataset.code = error.code;
    const heading = error.headingKey || (error.code === "cancelled" ? "error.cancelled_heading" : "error.heading");
    elements.errorTitle.textContent = t(heading);
    elements.errorCode.textContent = error.code;
    const hint = errorHint(error);
    elements.errorMessage.textContent = errorMessage(error);
    elements.errorHint.textContent = hint;
    elements.errorHint.parentElement.hidden = !hint;
    // The service's text stays in the language of the request, so a note explains why it did not change.
    elements.errorLangNote.hidden = Boolean(error.messageKey) || !error.lang || error.lang === state.lang;
    elements.cookieHelp.hidden = !COOKIE_ERROR_CODES.has(error.code);
    elements.errorJob.textContent = error.job_id ? t("error.job", { id: error.job_id }) : "";
    elements.retry.hidden = !error.retryable;
  }

  // --- Rendering: result -----------------------------------------------------------

  // The parts of one sheet's block, with that block's own filter state.
  // `root` is #primary-sheet or a copy of SHEET_TEMPLATE.
  function createSheetView(root) {
    const part = (name) => root.querySelector(`[data-part="${name}"]`);
    const view = {
      root,
      sheet: null, // the DiffResult shown in this block
      filter: "all",
      showAll: false,
      heading: part("heading"),
      meta: part("meta"),
      summary: part("summary"),
      noDifferences: part("no-differences"),
      titleChange: part("title-change"),
      titleOld: part("title-old"),
      titleNew: part("title-new"),
      columnsChange: part("columns-change"),
      columnsAddedLine: part("columns-added-line"),
      columnsAdded: part("columns-added"),
      columnsRemovedLine: part("columns-removed-line"),
      columnsRemoved: part("columns-removed"),
      columnsRenamed: part("columns-renamed"),
      columnsMovedLine: part("columns-moved-line"),
      columnsMoved: part("columns-moved"),
      changesBlock: part("changes-block"),
      kindFilter: part("kind-filter"),
      shownCount: part("shown-count"),
      movedNote: part("moved-note"),
      changesBody: part("changes-body"),
      emptyFilter: part("empty-filter"),
      showAllButton: part("show-all"),
    };
    view.showAllButton.addEventListener("click", () => {
      view.showAll = true;
      renderChanges(view);
    });
    return view;
  }

  function createOtherSheetView() {
    const root = SHEET_TEMPLATE.cloneNode(true);
    translateStaticText(root);
    return createSheetView(root);
  }

  // Show the primary sheet, the sheets added and removed, and one block per
  // other matched sheet. A result without other sheets, such as a CSV
  // result, shows the primary sheet alone and without a heading.
  function renderResult() {
    const payload = state.result.payload;
    const otherSheets = payload.other_sheets || [];
    const sheetsAdded = payload.sheets_added || [];
    const sheetsRemoved = payload.sheets_removed || [];
    const sheetsRenamed = (payload.sheets_renamed || []).map((rename) => `${rename.baseline} → ${rename.target}`);
    const multiSheet = otherSheets.length + sheetsAdded.length + sheetsRemoved.length > 0;
    elements.result.hidden = false;
    renderReportLinks();

    renderSheetListChanges(sheetsAdded, sheetsRemoved, sheetsRenamed);
    renderSheet(state.primaryView, payload, multiSheet);

    // The blocks are built once per result, so a language switch keeps each block's filter.
    if (state.otherViews === null) {
      state.otherViews = otherSheets.map(createOtherSheetView);
      elements.otherSheets.replaceChildren(...state.otherViews.map((view) => view.root));
    }
    otherSheets.forEach((sheet, index) => renderSheet(state.otherViews[index], sheet, true));
  }

  function renderSheetListChanges(added, removed, renamed) {
    elements.sheetsChange.hidden = added.length + removed.length + renamed.length === 0;
    elements.sheetsAddedLine.hidden = added.length === 0;
    elements.sheetsRemovedLine.hidden = removed.length === 0;
    elements.sheetsRenamedLine.hidden = renamed.length === 0;
    fillChips(elements.sheetsAdded, added, "added");
    fillChips(elements.sheetsRemoved, removed, "removed");
    fillChips(elements.sheetsRenamed, renamed, "renamed");
  }

  // Fill one sheet's block from `sheet`, a DiffResult. With `multiSheet` the
  // block is one of several sheets, so it gets the sheet's name as its heading.
  function renderSheet(view, sheet, multiSheet) {
    const summary = sheet.summary || {};
    view.sheet = sheet;

    view.heading.hidden = !multiSheet;
    view.heading.textContent = multiSheet ? describeSheet(sheet) : "";
    renderResultMeta(view, sheet);
    renderSummary(view, summary);

    const titleChanged = Boolean(summary.title_changed);
    view.titleChange.hidden = !titleChanged;
    if (titleChanged) {
      showTitle(view.titleOld, sheet.baseline && sheet.baseline.title);
      showTitle(view.titleNew, sheet.target && sheet.target.title);
    }

    const columnsChanged = renderColumnChanges(view, sheet);

    const changes = sheet.changes || [];
    const hasDifferences = changes.length > 0 || titleChanged || columnsChanged;
    view.noDifferences.hidden = hasDifferences;
    // Another sheet may differ, so the message speaks of this sheet only.
    view.noDifferences.textContent = t(multiSheet ? "result.sheet_no_differences" : "result.no_differences");
    view.changesBlock.hidden = changes.length === 0;
    // A modified row that also moved counts under both 修改 and 移动.
    view.movedNote.hidden = !changes.some((change) => change.kind === "modified" && change.moved);
    renderFilter(view);
    renderChanges(view);
  }

  // Return the heading of a sheet's block: its name, or both names when the
  // two sides name it differently. A side without a sheet name, such as a CSV
  // file, is named by its source.
  function describeSheet(sheet) {
    const baselineName = sheetName(sheet.baseline);
    const targetName = sheetName(sheet.target);
    if (baselineName === targetName) {
      return t("result.sheet", { sheet: baselineName });
    }
    return t("result.sheet_pair", { baseline: baselineName, target: targetName });
  }

  function sheetName(info) {
    if (!info) {
      return "";
    }
    return info.sheet ?? info.source ?? "";
  }

  // Fill the added, removed, renamed and moved column lines, and return
  // whether any column changed.
  function renderColumnChanges(view, sheet) {
    const added = sheet.columns_added || [];
    const removed = sheet.columns_removed || [];
    const renamed = sheet.columns_renamed || [];
    const moved = sheet.columns_moved || [];

    view.columnsAddedLine.hidden = added.length === 0;
    view.columnsRemovedLine.hidden = removed.length === 0;
    view.columnsRenamed.hidden = renamed.length === 0;
    view.columnsMovedLine.hidden = moved.length === 0;
    fillChips(view.columnsAdded, added, "added");
    fillChips(view.columnsRemoved, removed, "removed");
    view.columnsRenamed.replaceChildren(...renamed.map(renderColumnRename));
    fillChips(view.columnsMoved, moved, "moved");

    const changed = added.length + removed.length + renamed.length + moved.length > 0;
    view.columnsChange.hidden = !changed;
    return changed;
  }

  function renderColumnRename(rename) {
    const line = document.createElement("div");
    line.className = "column-rename";

    const label = document.createElement("strong");
    label.textContent = t("result.column_renamed");

    const names = document.createElement("span");
    names.className = "chips";
    const oldName = document.createElement("span");
    oldName.className = "chip chip-old-name";
    oldName.textContent = rename.baseline;
    const arrow = document.createElement("span");
    arrow.className = "arrow";
    arrow.textContent = "→";
    const newName = document.createElement("span");
    newName.className = "chip chip-new-name";
    newName.textContent = rename.target;
    names.append(oldName, arrow, newName);

    line.append(label, names);
    return line;
  }

  function showTitle(element, title) {
    element.classList.toggle("empty", !title);
    element.textContent = title || t("result.no_title");
  }

  function renderResultMeta(view, sheet) {
    const parts = [];
    for (const side of ["baseline", "target"]) {
      const info = sheet[side];
      if (info) {
        parts.push(t("result.sheet_info", {
          side: t(`side.${side}`),
          source: info.source,
          rows: formatNumber(info.rows),
          columns: formatNumber(info.columns),
        }));
      }
    }
    parts.push(describeKey(sheet));
    view.meta.textContent = parts.join("  |  ");
  }

  // A payload without key_source comes from a service older than automatic
  // keys, where a key was always the user's.
  function describeKey(payload) {
    const key = payload.key || [];
    if (key.length === 0) {
      return t("result.aligned_by_content");
    }
    const source = payload.key_source === "auto" ? "auto" : "user";
    return t(`result.key_${source}`, { key: key.join(", ") });
  }

  function renderSummary(view, summary) {
    const cards = SUMMARY_COUNTS.map(([name, tone]) => {
      const card = document.createElement("div");
      card.className = "count-card";
      card.dataset.tone = tone;
      const value = summary[name] || 0;
      if (value === 0) {
        card.dataset.zero = "true";
      }
      const number = document.createElement("span");
      number.className = "count-value";
      number.dataset.count = name;
      number.textContent = String(value);
      const label = document.createElement("span");
      label.className = "count-label";
      label.textContent = t(`summary.${name}`);
      card.append(number, label);
      return card;
    });
    view.summary.replaceChildren(...cards);
  }

  function fillChips(container, names, tone) {
    container.replaceChildren(...names.map((name) => {
      const chip = document.createElement("span");
      chip.className = `chip chip-${tone}`;
      chip.textContent = name;
      return chip;
    }));
  }

  function matchesFilter(change, filter) {
    if (filter === "all") {
      return true;
    }
    if (filter === "moved") {
      return change.kind === "moved" || Boolean(change.moved);
    }
    return change.kind === filter;
  }

  function renderFilter(view) {
    const changes = view.sheet.changes || [];
    const buttons = ["all", ...KINDS].map((filter) => {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.filter = filter;
      button.setAttribute("aria-pressed", String(view.filter === filter));
      const count = changes.filter((change) => matchesFilter(change, filter)).length;
      const label = document.createElement("span");
      label.textContent = t(filter === "all" ? "filter.all" : `kind.${filter}`);
      const number = document.createElement("span");
      number.className = "filter-count";
      number.textContent = formatNumber(count);
      button.append(label, number);
      button.addEventListener("click", () => {
        view.filter = filter;
        view.showAll = false;
        renderFilter(view);
        renderChanges(view);
      });
      return button;
    });
    view.kindFilter.replaceChildren(...buttons);
  }

  function renderChanges(view) {
    const changes = view.sheet.changes || [];
    const filtered = changes.filter((change) => matchesFilter(change, view.filter));
    const limit = view.showAll ? filtered.length : Math.min(filtered.length, INITIAL_ROW_LIMIT);
    const fragment = document.createDocumentFragment();
    for (let index = 0; index < limit; index += 1) {
      fragment.append(renderChangeRow(filtered[index]));
    }
    view.changesBody.replaceChildren(fragment);

    view.emptyFilter.hidden = filtered.length > 0;
    view.shownCount.textContent = t("result.shown", { shown: formatNumber(limit), total: formatNumber(filtered.length) });
    view.showAllButton.hidden = limit >= filtered.length;
    view.showAllButton.textContent = t("result.show_all", { count: formatNumber(filtered.length) });
  }

  function renderChangeRow(change) {
    const row = document.createElement("tr");
    row.dataset.kind = change.kind;
    if (change.moved) {
      row.dataset.moved = "true";
    }

    const kindCell = document.createElement("td");
    kindCell.className = "col-kind";
    kindCell.append(badge(change.kind));
    if (change.kind === "modified" && change.moved) {
      kindCell.append(badge("moved"));
    }

    const baselineRow = document.createElement("td");
    baselineRow.className = "col-row";
    baselineRow.textContent = change.baseline_row ?? "—";
    // On narrow screens each change is stacked, and the label replaces the hidden column header.
    baselineRow.dataset.label = t("table.baseline_row");
    const targetRow = document.createElement("td");
    targetRow.className = "col-row";
    targetRow.textContent = change.target_row ?? "—";
    targetRow.dataset.label = t("table.target_row");

    const details = document.createElement("td");
    details.className = "col-details";
    if (change.kind === "modified") {
      for (const cell of change.cells || []) {
        details.append(renderCellChange(cell));
      }
      if (typeof change.similarity === "number") {
        details.title = t("result.similarity", { percent: Math.round(change.similarity * 100) });
      }
    } else if (change.kind === "added" || change.kind === "removed") {
      details.append(renderRowValues(change.values || {}, change.kind));
    } else {
      const note = document.createElement("div");
      note.className = "muted";
      note.textContent = t("result.moved_only");
      details.append(note);
    }

    row.append(kindCell, baselineRow, targetRow, details);
    return row;
  }

  function badge(kind) {
    const element = document.createElement("span");
    element.className = `badge badge-${kind}`;
    element.dataset.badge = kind;
    element.textContent = t(`kind.${kind}`);
    return element;
  }

  function renderCellChange(cell) {
    const line = document.createElement("div");
    line.className = "cell-change";

    const column = document.createElement("span");
    column.className = "cell-column";
    column.textContent = cell.column;

    const address = document.createElement("span");
    address.className = "cell-address";
    address.textContent = cell.baseline_cell === cell.target_cell ? cell.baseline_cell : `${cell.baseline_cell} → ${cell.target_cell}`;

    const values = document.createElement("div");
    values.className = "cell-values";
    const arrow = document.createElement("span");
    arrow.className = "arrow";
    arrow.setAttribute("aria-hidden", "true");
    arrow.textContent = "→";
    values.append(cellValue("del", "old", cell.old), arrow, cellValue("ins", "new", cell.new));

    line.append(column, address, values);
    return line;
  }

  function cellValue(tag, tone, text) {
    const element = document.createElement(tag);
    element.className = `value ${tone}`;
    if (text === "" || text === null || text === undefined) {
      element.classList.add("empty");
      element.textContent = t("result.empty_value");
    } else {
      element.textContent = text;
    }
    return element;
  }

  function renderRowValues(values, kind) {
    const list = document.createElement("dl");
    list.className = `row-values row-${kind}`;
    for (const [column, value] of Object.entries(values)) {
      if (value === null || String(value).trim() === "") {
        continue;
      }
      const pair = document.createElement("div");
      pair.className = "value-pair";
      const name = document.createElement("dt");
      name.className = "cell-column";
      name.textContent = column;
      const text = document.createElement("dd");
      text.className = "value";
      text.textContent = value;
      pair.append(name, text);
      list.append(pair);
    }
    if (list.childElementCount === 0) {
      const blank = document.createElement("div");
      blank.className = "muted";
      blank.textContent = t("result.blank_row");
      return blank;
    }
    return list;
  }

  // Show the report links for a finished job's result, else hide them and drop
  // their href. The URLs are relative to this page, like its API requests.
  function renderReportLinks() {
    const jobId = state.result ? state.result.jobId : null;
    for (const [extension, link] of [["xlsx", elements.downloadXlsx], ["csv", elements.downloadCsv]]) {
      if (jobId) {
        link.href = `api/jobs/${encodeURIComponent(jobId)}/report.${extension}`;
      } else {
        link.removeAttribute("href");
      }
      link.hidden = !jobId;
    }
  }

  function downloadResult() {
    if (!state.result) {
      return;
    }
    const text = JSON.stringify(state.result.payload, null, 2);
    saveBlob(new Blob([text], { type: "application/json" }), `docdiff-${state.result.jobId || "result"}.json`);
  }

  // The service keeps a finished job's reports until DOCDIFF_JOB_TTL_S has
  // passed (1 hour by default). The page fetches the report itself, so a
  // report that is gone shows the service's coded error (job_not_found) here
  // instead of a bare JSON page.
  async function downloadReport(event) {
    const link = event.currentTarget;
    if (!link.href) {
      return;
    }
    event.preventDefault();
    let response;
    // The compare itself succeeded, so the panel's heading names the download.
    const headingKey = "error.report_heading";
    try {
      response = await fetch(link.href, { headers: { "Accept-Language": state.lang } });
    } catch (error) {
      const failure = clientError("network_error", "client.network", "client.network_hint", { detail: error.message }, false);
      showError({ ...failure, headingKey });
      return;
    }
    if (!response.ok) {
      showError({ ...errorFromResponse(response, await readJson(response), state.lang), retryable: false, headingKey });
      return;
    }
    const extension = link.href.split(".").pop();
    saveBlob(await response.blob(), `docdiff-${state.result.jobId}.${extension}`);
  }

  function saveBlob(blob, filename) {
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = filename;
    document.body.append(link);
    link.click();
    link.remove();
    // Revoking at once can cancel the download in some browsers.
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  // --- Wiring ------------------------------------------------------------------------

  function init() {
    restoreRememberedCookie();
    applyLanguage(detectLanguage());
    restoreForm();
    resumeJob();

    elements.form.addEventListener("submit", (event) => {
      event.preventDefault();
      startJob();
    });
    // saveForm() skips the cookie, so a change to it stores nothing.
    elements.form.addEventListener("change", saveForm);
    elements.key.addEventListener("input", checkKeyColumns);
    elements.cancel.addEventListener("click", cancelJob);
    elements.retry.addEventListener("click", () => elements.form.requestSubmit());
    elements.toggleCookie.addEventListener("click", () => {
      elements.cookie.type = elements.cookie.type === "password" ? "text" : "password";
      updateCookieToggle();
    });
    elements.remember.addEventListener("change", syncRememberedCookie);
    elements.cookie.addEventListener("input", () => {
      if (elements.remember.checked) {
        syncRememberedCookie();
      }
    });
    elements.downloadJson.addEventListener("click", downloadResult);
    elements.downloadXlsx.addEventListener("click", downloadReport);
    elements.downloadCsv.addEventListener("click", downloadReport);
    for (const button of document.querySelectorAll("#lang-switch button")) {
      button.addEventListener("click", () => {
        writeStorage(LANG_STORAGE_KEY, button.dataset.lang);
        applyLanguage(button.dataset.lang);
      });
    }
  }

  init();
})();
