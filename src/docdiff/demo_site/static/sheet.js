"use strict";
// Sheet page of the demo editor: renders the grid from the cells API, then
// adds the "more" button whose "导出为" submenu downloads the sheet. The more
// button appears only after the grid, so a client that waits for the button
// can treat the sheet as ready.
(() => {
  const body = document.body;
  const container = document.getElementById("canvasContainer");
  const apiBase = `/api/sheet/${encodeURIComponent(body.dataset.docId)}`;

  const TOAST_MS = 8000;
  const EXPORT_FAILED_TEXT = "导出失败，请稍后重试";
  const EXPORT_ITEMS = [
    { className: "mainmenu-item-export-local", label: "本地Excel表格 (.xlsx)", format: "xlsx" },
    { className: "mainmenu-item-export-csv", label: "CSV文件 (.csv，当前工作表)", format: "csv" },
  ];

  let mainMenu = null;
  let exportMenu = null;
  let exportMenuItem = null;

  // --- Grid ---------------------------------------------------------------

  // Spreadsheet column label: 0 -> A, 25 -> Z, 26 -> AA.
  function columnLabel(index) {
    let label = "";
    for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
      label = String.fromCharCode(65 + ((n - 1) % 26)) + label;
    }
    return label;
  }

  function headerCell(text) {
    const th = document.createElement("th");
    th.textContent = text;
    return th;
  }

  function renderGrid(rows) {
    const width = rows.reduce((max, row) => Math.max(max, row.length), 0);
    const table = document.createElement("table");
    table.className = "sheet-grid";

    const headerRow = table.createTHead().insertRow();
    headerRow.appendChild(headerCell(""));
    for (let column = 0; column < width; column++) {
      headerRow.appendChild(headerCell(columnLabel(column)));
    }

    const tbody = table.createTBody();
    rows.forEach((row, rowIndex) => {
      const tr = tbody.insertRow();
      tr.appendChild(headerCell(String(rowIndex + 1)));
      for (let column = 0; column < width; column++) {
        tr.insertCell().textContent = row[column] ?? "";
      }
    });

    container.replaceChildren(table);
  }

  function showLoadError() {
    const message = document.createElement("div");
    message.className = "grid-load-error";
    message.textContent = "表格加载失败，请刷新页面重试";
    container.replaceChildren(message);
  }

  // --- Toasts -------------------------------------------------------------

  // durationMs 0 keeps the toast until the caller removes it.
  function showToast(text, kind, durationMs = TOAST_MS) {
    const toast = document.createElement("div");
    toast.className = `dui-toast ${kind}`;
    toast.setAttribute("role", "alert");
    toast.textContent = text;
    body.appendChild(toast);
    if (durationMs > 0) {
      setTimeout(() => toast.remove(), durationMs);
    }
    return toast;
  }

  // --- Export -------------------------------------------------------------

  function startDownload(url, filename) {
    const link = document.createElement("a");
    link.href = url;
    link.download = filename;
    link.hidden = true;
    body.appendChild(link);
    link.click();
    link.remove();
  }

  async function exportSheet(format) {
    const progress = showToast("正在导出…", "dui-toast-loading", 0);
    try {
      const response = await fetch(`${apiBase}/export`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ format }),
        credentials: "same-origin",
      });
      if (response.status === 401) {
        showToast("登录状态已失效，请重新登录", "dui-toast-error");
        return;
      }
      if (!response.ok) {
        showToast(EXPORT_FAILED_TEXT, "dui-toast-error");
        return;
      }
      const result = await response.json();
      startDownload(result.url, result.filename);
    } catch (error) {
      console.error("export request failed", error);
      showToast(EXPORT_FAILED_TEXT, "dui-toast-error");
    } finally {
      progress.remove();
    }
  }

  // --- Menus --------------------------------------------------------------

  function createMenu(className) {
    const menu = document.createElement("ul");
    menu.className = `dui-menu ${className}`;
    menu.hidden = true;
    body.appendChild(menu);
    return menu;
  }

  function addMenuItem(menu, className, label, onClick) {
    const item = document.createElement("li");
    item.className = `dui-menu-item ${className}`;
    item.textContent = label;
    item.addEventListener("click", onClick);
    menu.appendChild(item);
    return item;
  }

  function closeExportMenu() {
    exportMenu.hidden = true;
    exportMenuItem.classList.remove("is-open");
  }

  function closeMenus() {
    if (mainMenu === null) {
      return;
    }
    closeExportMenu();
    mainMenu.hidden = true;
  }

  // The submenu opens to the left of the main menu, level with "导出为".
  function openExportMenu() {
    exportMenu.hidden = false;
    exportMenuItem.classList.add("is-open");
    const itemBox = exportMenuItem.getBoundingClientRect();
    const menuBox = mainMenu.getBoundingClientRect();
    exportMenu.style.top = `${itemBox.top}px`;
    exportMenu.style.right = `${window.innerWidth - menuBox.left + 2}px`;
  }

  function toggleMainMenu(button) {
    if (!mainMenu.hidden) {
      closeMenus();
      return;
    }
    const box = button.getBoundingClientRect();
    mainMenu.style.top = `${box.bottom + 4}px`;
    mainMenu.style.right = `${window.innerWidth - box.right}px`;
    mainMenu.hidden = false;
  }

  function buildMenus() {
    mainMenu = createMenu("mainmenu");
    exportMenu = createMenu("mainmenu-submenu mainmenu-submenu-exportAs-list");

    const notInDemo = (text) => () => {
      closeMenus();
      showToast(text, "dui-toast-info", 3000);
    };
    addMenuItem(mainMenu, "mainmenu-item-print", "打印", notInDemo("演示站点不支持打印"));
    addMenuItem(mainMenu, "mainmenu-item-history", "历史版本", notInDemo("演示站点暂无历史版本"));
    exportMenuItem = addMenuItem(mainMenu, "mainmenu-submenu-exportAs", "导出为", openExportMenu);
    exportMenuItem.addEventListener("mouseenter", openExportMenu);

    // Hovering another top-level item closes the submenu, as in the real editor.
    for (const item of mainMenu.children) {
      if (item !== exportMenuItem) {
        item.addEventListener("mouseenter", closeExportMenu);
      }
    }

    for (const { className, label, format } of EXPORT_ITEMS) {
      addMenuItem(exportMenu, className, label, () => {
        closeMenus();
        exportSheet(format);
      });
    }

    document.addEventListener("click", (event) => {
      if (!event.target.closest(".dui-menu, .titlebar-icon-more")) {
        closeMenus();
      }
    });
  }

  function addMoreButton() {
    buildMenus();
    const button = document.createElement("div");
    button.className = "titlebar-icon titlebar-icon-more";
    button.setAttribute("role", "button");
    button.title = "更多";
    button.textContent = "⋯";
    button.addEventListener("click", () => toggleMainMenu(button));
    document.querySelector(".titlebar-actions").appendChild(button);
  }

  // --- Start --------------------------------------------------------------

  async function loadSheet() {
    try {
      const response = await fetch(`${apiBase}/cells`, { credentials: "same-origin" });
      if (!response.ok) {
        throw new Error(`cells request failed with HTTP ${response.status}`);
      }
      renderGrid(await response.json());
    } catch (error) {
      console.error("sheet load failed", error);
      showLoadError();
      return;
    }
    if (body.dataset.showMore === "true") {
      addMoreButton();
    }
  }

  loadSheet();
})();
