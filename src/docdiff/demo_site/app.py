"""Demo document site that imitates the Tencent Docs sheet editor on 127.0.0.1.

docdiff's download code is tested against this site as against docs.qq.com:
a login wall without the session cookie, a grid that JavaScript renders, a
"more" menu with "导出为" entries and a real browser download. Knobs change
its latency and failure modes at run time.
"""

import asyncio
import csv
import html
import io
import logging
import re
import secrets
import socket
import string
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import fastexcel
import xlsxwriter
from fastapi import Body, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from docdiff.serving import bind, serve_on

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).parent
BUNDLED_DOCUMENTS_DIR = PACKAGE_DIR / "documents"
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATES_DIR = PACKAGE_DIR / "templates"

SESSION_COOKIE = "demo_sid"
DOCUMENT_SUFFIXES = (".csv", ".xlsx")
DOWNLOAD_TTL_S = 300.0
MAX_LATENCY_MS = 600_000
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# Characters that RFC 6265 allows in a cookie value without quoting.
COOKIE_VALUE_PATTERN = re.compile(r"[!#-+\--:<-\[\]-~]+")
# Characters that Excel rejects in worksheet names.
INVALID_SHEET_NAME_CHARS = re.compile(r"[\[\]:*?/\\]")

ExportFormat = Literal["csv", "xlsx"]


# --- Configuration -----------------------------------------------------------


class DemoKnobs(BaseModel):
    """Run-time switches that tests turn to make the site slow or failing."""

    model_config = ConfigDict(extra="forbid")

    page_latency_ms: int = Field(
        0, ge=0, le=MAX_LATENCY_MS, description="Delay before sheet pages and cell data respond."
    )
    export_latency_ms: int = Field(
        0, ge=0, le=MAX_LATENCY_MS, description="Delay before an export request responds."
    )
    export_failure: bool = Field(False, description="Every export responds with HTTP 500.")
    missing_menu: bool = Field(
        False, description="Sheet pages render the grid but never add the more button."
    )
    forbidden: list[str] = Field(
        default_factory=list, description="Document ids that the session may not open."
    )
    session_expired: bool = Field(
        False, description="The valid session token is treated as logged out."
    )


class DemoSiteConfig(BaseModel):
    """Start-up settings of the demo site."""

    documents_dir: Path = BUNDLED_DOCUMENTS_DIR
    session_token: str = Field(
        default_factory=lambda: secrets.token_urlsafe(24),
        repr=False,
        description=f"The one value of the {SESSION_COOKIE} cookie that counts as logged in.",
    )
    knobs: DemoKnobs = Field(default_factory=DemoKnobs)

    @field_validator("session_token")
    @classmethod
    def check_cookie_value(cls, token: str) -> str:
        # The message names the rule but not the token, because the token is a secret.
        if not COOKIE_VALUE_PATTERN.fullmatch(token):
            raise ValueError(
                "session token must be non-empty and use only cookie value characters "
                "(no spaces, quotes, commas, semicolons or backslashes)"
            )
        return token


# --- Documents ---------------------------------------------------------------


class DocumentsError(ValueError):
    """Raised when the documents folder is missing or contains no document.

    `reason` is `not_found`, `not_a_folder` or `empty`, which name the
    catalog messages `demo_site.error.documents.*`.
    """

    def __init__(self, reason: str, folder: Path) -> None:
        self.reason = reason
        self.folder = folder
        super().__init__(f"documents folder {folder}: {reason.replace('_', ' ')}")


@dataclass(frozen=True)
class Document:
    doc_id: str
    path: Path

    @property
    def name(self) -> str:
        """Document title shown in the title bar and used for export file names."""
        return self.path.stem

    @property
    def kind(self) -> ExportFormat:
        return "xlsx" if self.path.suffix.lower() == ".xlsx" else "csv"


def document_id(relative_path: Path) -> str:
    """Return the id of a document: its relative path without suffix, `/` replaced by `.`."""
    return ".".join(relative_path.with_suffix("").parts)


def is_document_file(path: Path) -> bool:
    # Office lock files (~$name.xlsx) and hidden files are not documents.
    hidden = path.name.startswith((".", "~$"))
    return path.is_file() and path.suffix.lower() in DOCUMENT_SUFFIXES and not hidden


def load_documents(folder: Path) -> dict[str, Document]:
    """Find the .csv and .xlsx files under `folder`, keyed by document id.

    Raises DocumentsError when the folder is missing or contains no document.
    """
    if folder.exists() and not folder.is_dir():
        raise DocumentsError("not_a_folder", folder)
    if not folder.is_dir():
        raise DocumentsError("not_found", folder)

    documents: dict[str, Document] = {}
    for path in sorted(folder.rglob("*")):
        if not is_document_file(path):
            continue
        doc_id = document_id(path.relative_to(folder))
        if doc_id in documents:
            logger.warning(
                "skipping %s: document id %s is already taken by %s",
                path, doc_id, documents[doc_id].path,
            )
            continue
        documents[doc_id] = Document(doc_id, path)

    if not documents:
        raise DocumentsError("empty", folder)
    return documents


def read_csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def read_xlsx_rows(data: bytes) -> list[list[str]]:
    """Read the first sheet with every cell as a string and empty cells as ""."""
    # skip_rows=0 keeps leading empty rows, which fastexcel drops by default.
    sheet = fastexcel.read_excel(data).load_sheet(
        0, header_row=None, skip_rows=0, dtypes="string"
    )
    return [["" if cell is None else cell for cell in row] for row in sheet.to_polars().rows()]


def read_rows(document: Document) -> list[list[str]]:
    data = document.path.read_bytes()
    if document.kind == "xlsx":
        return read_xlsx_rows(data)
    return read_csv_rows(data)


# --- Export ------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    media_type: str


# Name of the one tab of a CSV document exported as XLSX, as a new sheet in the editor is called.
EXPORTED_SHEET_NAME = "工作表1"


def sheet_name_for(name: str) -> str:
    cleaned = INVALID_SHEET_NAME_CHARS.sub("_", name).strip("'")
    return cleaned[:31] or "Sheet1"


def rows_to_xlsx(rows: list[list[str]], sheet_name: str) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    worksheet = workbook.add_worksheet(sheet_name_for(sheet_name))
    for row_index, row in enumerate(rows):
        for column_index, value in enumerate(row):
            worksheet.write_string(row_index, column_index, value)
    workbook.close()
    return buffer.getvalue()


def rows_to_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def export_document(document: Document, export_format: ExportFormat) -> ExportFile:
    """Build the file that the site's "导出为" menu downloads.

    Exporting to the document's own format returns its original bytes unchanged.
    """
    data = document.path.read_bytes()
    if export_format == document.kind:
        content = data
    elif export_format == "xlsx":
        # An online editor names the exported tab after the sheet, not after the
        # file, so every version of a document exports the same tab name.
        content = rows_to_xlsx(read_csv_rows(data), EXPORTED_SHEET_NAME)
    else:
        content = rows_to_csv(read_xlsx_rows(data))

    media_type = XLSX_MEDIA_TYPE if export_format == "xlsx" else CSV_MEDIA_TYPE
    return ExportFile(content, f"{document.name}.{export_format}", media_type)


def content_disposition(filename: str) -> str:
    """Return an attachment header with an ASCII fallback and the RFC 5987 UTF-8 name."""
    fallback = "".join(
        char if char.isascii() and char.isprintable() and char not in '"\\' else "_"
        for char in filename
    )
    encoded = quote(filename, safe="")
    return f'attachment; filename="{fallback}"; filename*=UTF-8\'\'{encoded}'


class DownloadStore:
    """One-time download tokens, each valid for one GET within DOWNLOAD_TTL_S."""

    def __init__(self, ttl_s: float = DOWNLOAD_TTL_S) -> None:
        self.ttl_s = ttl_s
        self.entries: dict[str, tuple[float, ExportFile]] = {}

    def add(self, export_file: ExportFile) -> str:
        self.drop_expired()
        token = secrets.token_urlsafe(18)
        self.entries[token] = (time.monotonic() + self.ttl_s, export_file)
        return token

    def take(self, token: str) -> ExportFile | None:
        self.drop_expired()
        entry = self.entries.pop(token, None)
        return None if entry is None else entry[1]

    def drop_expired(self) -> None:
        now = time.monotonic()
        expired = [token for token, (deadline, _) in self.entries.items() if deadline <= now]
        for token in expired:
            del self.entries[token]


# --- HTML pages --------------------------------------------------------------


def load_template(name: str) -> string.Template:
    return string.Template((TEMPLATES_DIR / name).read_text(encoding="utf-8"))


def render_page(template_name: str, status_code: int = 200, **values: str) -> HTMLResponse:
    """Fill a template from templates/ with HTML-escaped values."""
    escaped = {key: html.escape(value) for key, value in values.items()}
    page = load_template(template_name).substitute(escaped)
    return HTMLResponse(page, status_code=status_code, headers={"Cache-Control": "no-store"})


def render_index(documents: dict[str, Document]) -> HTMLResponse:
    items = "\n".join(
        f'<li><a href="/sheet/{quote(doc_id)}">{html.escape(doc_id)}</a></li>'
        for doc_id in documents
    )
    page = load_template("index.html").substitute(items=items)
    return HTMLResponse(page)


# --- Application -------------------------------------------------------------


@dataclass
class SiteState:
    documents: dict[str, Document]
    session_token: str
    initial_knobs: DemoKnobs
    knobs: DemoKnobs
    downloads: DownloadStore = field(default_factory=DownloadStore)

    def is_logged_in(self, request: Request) -> bool:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie is None or self.knobs.session_expired:
            return False
        return secrets.compare_digest(cookie.encode(), self.session_token.encode())


class ExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: ExportFormat


def json_error(status_code: int, error: str) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status_code)


async def sleep_ms(milliseconds: int) -> None:
    # Simulated site latency set by a knob, not a wait for a condition.
    if milliseconds > 0:
        await asyncio.sleep(milliseconds / 1000)


def check_api_access(state: SiteState, request: Request, doc_id: str) -> JSONResponse | None:
    """Return the error response for an API call on `doc_id`, or None when it is allowed."""
    if not state.is_logged_in(request):
        error = json_error(401, "login_required")
    elif doc_id not in state.documents:
        error = json_error(404, "not_found")
    elif doc_id in state.knobs.forbidden:
        error = json_error(403, "no_permission")
    else:
        return None
    logger.info(
        "%s %s rejected for %s: HTTP %d",
        request.method, request.url.path, doc_id, error.status_code,
    )
    return error


def add_page_routes(app: FastAPI, state: SiteState) -> None:
    @app.get("/", response_class=HTMLResponse)
    async def index() -> HTMLResponse:
        return render_index(state.documents)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/sheet/{doc_id}", response_class=HTMLResponse)
    async def sheet_page(doc_id: str, request: Request) -> HTMLResponse:
        knobs = state.knobs
        await sleep_ms(knobs.page_latency_ms)

        document = state.documents.get(doc_id)
        if document is None:
            logger.info("sheet page not found: %s", doc_id)
            return render_page("not_found.html", status_code=404)
        if not state.is_logged_in(request):
            logger.info("login wall served for %s", doc_id)
            return render_page("login.html", title=document.name)
        if doc_id in knobs.forbidden:
            logger.info("no permission page served for %s", doc_id)
            return render_page("no_permission.html", title=document.name)

        show_more = "false" if knobs.missing_menu else "true"
        return render_page("sheet.html", title=document.name, doc_id=doc_id, show_more=show_more)


def add_api_routes(app: FastAPI, state: SiteState) -> None:
    @app.get("/api/sheet/{doc_id}/cells", response_model=None)
    async def sheet_cells(doc_id: str, request: Request) -> list[list[str]] | JSONResponse:
        await sleep_ms(state.knobs.page_latency_ms)
        denied = check_api_access(state, request, doc_id)
        if denied is not None:
            return denied
        return await asyncio.to_thread(read_rows, state.documents[doc_id])

    @app.post("/api/sheet/{doc_id}/export", response_model=None)
    async def export_sheet(
        doc_id: str, export_request: ExportRequest, request: Request
    ) -> dict[str, str] | JSONResponse:
        denied = check_api_access(state, request, doc_id)
        if denied is not None:
            return denied

        knobs = state.knobs
        await sleep_ms(knobs.export_latency_ms)
        if knobs.export_failure:
            logger.info(
                "export of %s as %s failed: export_failure knob is on",
                doc_id, export_request.format,
            )
            return json_error(500, "export_failed")

        export_file = await asyncio.to_thread(
            export_document, state.documents[doc_id], export_request.format
        )
        token = state.downloads.add(export_file)
        logger.info(
            "exported %s as %s (%d bytes)", doc_id, export_request.format, len(export_file.content)
        )
        return {"url": f"/download/{token}", "filename": export_file.filename}

    @app.get("/download/{token}")
    async def download(token: str) -> Response:
        export_file = state.downloads.take(token)
        if export_file is None:
            # The token is not logged: until it expires it is a download credential.
            logger.info("download rejected: token not found, used or expired")
            return render_page("download_expired.html", status_code=404)
        headers = {"Content-Disposition": content_disposition(export_file.filename)}
        return Response(export_file.content, media_type=export_file.media_type, headers=headers)


def add_knob_routes(app: FastAPI, state: SiteState) -> None:
    @app.get("/_demo/knobs")
    async def get_knobs() -> DemoKnobs:
        return state.knobs

    @app.put("/_demo/knobs")
    async def update_knobs(changes: dict[str, Any] = Body(...)) -> DemoKnobs:
        """Change the given knobs and keep the others."""
        try:
            knobs = DemoKnobs.model_validate({**state.knobs.model_dump(), **changes})
        except ValidationError as error:
            # Prefix "body" so the error locations match FastAPI's own 422 responses.
            details = [
                {**detail, "loc": ("body", *detail["loc"])}
                for detail in error.errors(include_url=False, include_context=False)
            ]
            raise RequestValidationError(details) from error
        state.knobs = knobs
        logger.info("knobs changed: %s", ", ".join(sorted(changes)))
        return knobs

    @app.post("/_demo/knobs/reset")
    async def reset_knobs() -> DemoKnobs:
        """Restore the knobs the site started with."""
        state.knobs = state.initial_knobs.model_copy(deep=True)
        logger.info("knobs reset to start-up values")
        return state.knobs


def create_app(config: DemoSiteConfig) -> FastAPI:
    """Build the demo site for `config`.

    Raises DocumentsError when the documents folder is missing or empty.
    """
    documents = load_documents(config.documents_dir)
    state = SiteState(
        documents=documents,
        session_token=config.session_token,
        initial_knobs=config.knobs.model_copy(deep=True),
        knobs=config.knobs.model_copy(deep=True),
    )

    app = FastAPI(title="docdiff demo document site", docs_url=None, redoc_url=None)
    app.state.demo_site = state
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    add_page_routes(app, state)
    add_api_routes(app, state)
    add_knob_routes(app, state)
    logger.info("demo site serves %d documents from %s", len(documents), config.documents_dir)
    return app


def serve(app: FastAPI, sock: socket.socket) -> None:
    """Serve an app from `create_app` on a socket from `docdiff.serving.bind` until interrupted."""
    serve_on(sock, app, log_level="warning")


def run(config: DemoSiteConfig, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Build the demo site for `config` and serve it until interrupted."""
    serve(create_app(config), bind(host, port))
