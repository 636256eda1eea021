"""The `docdiff` command: serve, compare, diff, demo and demo-site.

Output follows LC_ALL / LC_MESSAGES / LANG: English for `en*`, Chinese
otherwise, and so does `--help`: the help texts are the `help.*` catalog
entries, filled in by `build_cli` for the language of the environment.
`compare` and `diff` exit with 0 when the two sides are equal, 1 when they
differ and 2 on an error, as diff(1) does.
"""

import asyncio
import errno
import json
import logging
import math
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text
from typer.core import TyperGroup

from docdiff.diff import CompareOptions, DiffResult, diff_workbooks, load_sheets, load_table
from docdiff.diff.render import render_changes, render_sheet_list_changes, render_summary
from docdiff.diff.report import render_daff_csv, render_xlsx
from docdiff.errors import (
    ERROR_FIELDS,
    CookieMissing,
    DocdiffError,
    FileUnreadable,
    InternalError,
    InvalidRequest,
    ServiceUnreachable,
)
from docdiff.i18n import DEFAULT_LANG, has_message, lang_from_env, os_error_detail, translate, value_error_detail

EXIT_SAME = 0
EXIT_DIFFERENT = 1
EXIT_ERROR = 2
DEMO_PAIR = ("tencent-plan-xhs.baseline", "tencent-plan-xhs.target-stars")

# Help texts are left out here and set by `build_cli`, so that they follow LANG.
# The help is plain click output, not rich, because rich's help tables cut
# Chinese text off with "…": they wrap only at spaces (seen with typer 0.29, rich 15).
app = typer.Typer(
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    add_completion=False,
)
stdout = Console()
stderr = Console(stderr=True)


def _lang() -> str:
    return lang_from_env()


LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@app.command()
def serve(
    host: Annotated[Optional[str], typer.Option(metavar="HOST")] = None,
    port: Annotated[Optional[int], typer.Option(metavar="PORT", min=1, max=65535)] = None,
    log_level: Annotated[str, typer.Option(metavar="LEVEL")] = "info",
) -> None:
    """Start the compare service (HTTP API, SSE and web page)."""
    from docdiff.api import create_app
    from docdiff.serving import bind, serve_on

    lang = _lang()
    if log_level.lower() not in LOG_LEVELS:
        _fail(translate("cli.log_level_invalid", lang, value=log_level, levels=", ".join(LOG_LEVELS)))
    _configure_logging(log_level)
    # Options given on the command line win over the environment, also over a bad value there.
    overrides = {name: value for name, value in (("host", host), ("port", port)) if value is not None}
    settings = _load_settings(lang, overrides)
    if not os.access(settings.browser_path, os.X_OK):
        _fail(translate("cli.browser_missing", lang, path=settings.browser_path))
    host, port = settings.host, settings.port
    try:
        sock = bind(host, port)
    except OSError as exc:
        _fail(translate("cli.bind_failed", lang, host=host, port=port, detail=exc.strerror or str(exc)))
    stderr.print(translate("cli.serving", lang, url=f"http://{host}:{port}/"), markup=False, soft_wrap=True)
    serve_on(sock, create_app(settings), log_level=log_level, proxy_headers=True)


# Settings whose environment variable contains JSON.
JSON_SETTINGS = {"allowed_hosts", "profile_hosts"}


def _load_settings(lang: str, overrides: dict):
    """Read the settings from `DOCDIFF_*` variables, or fail naming each bad variable, its value and the problem."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from docdiff.download.profiles import BUILTIN_PROFILES, unknown_profile_names
    from docdiff.settings import Settings

    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        problems = [
            translate(
                "cli.settings.problem", lang, name=_variable(error["loc"]), value=error.get("input", ""),
                detail=value_error_detail(error, lang),
            )
            for error in exc.errors()
        ]
        fields = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
        _fail(_settings_message(lang, problems, fields))
    except SettingsError as exc:
        # pydantic-settings could not parse a JSON variable, and names only the field.
        found = re.search(r'field "(\w+)"', str(exc))
        field = found.group(1) if found else ""
        detail = translate("value.json_invalid", lang)
        problem = translate("cli.settings.unparsed", lang, name=_variable([field]), detail=detail) if field else _first_line(exc)
        _fail(_settings_message(lang, [problem], {field}))
    unknown = unknown_profile_names(settings)
    if unknown:
        _fail(translate("cli.settings.unknown_profile", lang, name=unknown[0], known=", ".join(BUILTIN_PROFILES)))
    return settings


def _variable(location) -> str:
    return "DOCDIFF_" + "_".join(map(str, location)).upper()


def _settings_message(lang: str, problems: list[str], fields: set[str]) -> str:
    message = translate("cli.settings_invalid", lang, detail=translate("cli.settings.separator", lang).join(problems))
    if fields & JSON_SETTINGS:
        message += translate("cli.settings.json", lang)
    return message


@app.command(
    "demo-site",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
)
def demo_site(ctx: typer.Context) -> None:
    """Start the demo document site that imitates an online sheet editor, on loopback.

    It prints the session cookie and the document URLs. Options: see
    `docdiff demo-site --help`.
    """
    from docdiff.demo_site.__main__ import main as demo_site_main

    demo_site_main(ctx.args, prog="docdiff demo-site")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _fail(message: str) -> None:
    """Print a message for `serve`, which has no `--json`, and exit with 2."""
    stderr.print(message, style="red", soft_wrap=True, markup=False)
    raise typer.Exit(EXIT_ERROR)


@contextmanager
def _coded_errors(lang: str, as_json: bool):
    """Report a DocdiffError raised inside as a coded error (also on stdout for `--json`) and exit with 2."""
    try:
        yield
    except DocdiffError as error:
        _report_error(error.to_dict(lang), lang, as_json)
        raise typer.Exit(EXIT_ERROR) from None


def _read_cookie(cookie_file: Path | None, lang: str) -> str:
    if cookie_file is None:
        cookie = os.environ.get("DOCDIFF_COOKIE", "")
    elif str(cookie_file) == "-":
        cookie = sys.stdin.read()
    else:
        content = _read_file(cookie_file, None, lang)
        try:
            cookie = content.decode("utf-8")
        except UnicodeDecodeError:
            # The decoder's message quotes a byte of the file, which is part of a cookie.
            raise FileUnreadable(reason="not_utf8", path=str(cookie_file)) from None
    if not cookie.strip():
        raise CookieMissing(reason="cli")
    return cookie.strip()


class ProgressView:
    """Show job events as they arrive: one line per event and an overall bar."""

    def __init__(self, console: Console, lang: str) -> None:
        self.lang = lang
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task = self.progress.add_task("docdiff", total=1.0)

    def __enter__(self) -> "ProgressView":
        self.progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.progress.stop()

    def show(self, event) -> None:
        data = event.data
        if event.event != "progress":
            self.progress.update(self.task, completed=1.0)
            return
        stage = translate(f"stage.{data['stage']}", self.lang)
        mark = "✓" if data["state"] == "done" else "…"
        seconds = data["elapsed_ms"] / 1000
        line = Text.assemble((f"{seconds:6.2f}s ", "dim"), f"{mark} ", (stage, "bold"), "  ", data["message"])
        self.progress.console.print(line, soft_wrap=True)
        self.progress.update(self.task, completed=data["progress"], description=stage)


def _report(result: DiffResult, as_json: bool, limit: int, lang: str) -> int:
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        render_summary(result, stdout, lang)
        render_changes(result, stdout, lang, limit)
        render_sheet_list_changes(result, stdout, lang)
    return EXIT_DIFFERENT if result.has_differences else EXIT_SAME


def _report_error(error: dict, lang: str, as_json: bool = False) -> None:
    """Print a coded error on stderr, and as `{"error": ...}` on stdout for `--json`.

    The JSON object has every field of ERROR_FIELDS, with None for a field that
    a service error left out, followed by any extra fields the service sent.
    """
    error = {**dict.fromkeys(ERROR_FIELDS), **error}
    if as_json:
        sys.stdout.write(json.dumps({"error": error}, ensure_ascii=False) + "\n")
    message = translate("cli.error", lang, code=error.get("code"), message=error.get("message"))
    stderr.print(message, style="red", soft_wrap=True, markup=False)
    if error.get("hint"):
        stderr.print(translate("cli.hint", lang, hint=error["hint"]), soft_wrap=True, markup=False)


XlsxOption = Annotated[
    Optional[Path], typer.Option("--xlsx", metavar="FILE")
]
DaffOption = Annotated[
    Optional[Path], typer.Option("--daff", metavar="FILE")
]


def _check_writable(path: Path | None, lang: str) -> None:
    """Raise the error that writing a report to `path` would meet, before any work is done."""
    if path is None:
        return
    if path.is_dir():
        problem = errno.EISDIR
    elif not path.parent.is_dir():
        problem = errno.ENOENT
    elif not os.access(path if path.exists() else path.parent, os.W_OK):
        problem = errno.EACCES
    else:
        return
    detail = os_error_detail(OSError(problem, os.strerror(problem)), lang)
    raise InvalidRequest(reason="file_unwritable", path=str(path), detail=detail)


def _write_report(path: Path | None, content: bytes, lang: str) -> None:
    if path is None:
        return
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise InvalidRequest(reason="file_unwritable", path=str(path), detail=os_error_detail(exc, lang)) from exc


KeyOption = Annotated[
    Optional[list[str]], typer.Option("--key", "-k", metavar="COLUMN")
]
IgnoreOption = Annotated[
    Optional[list[str]], typer.Option("--ignore-column", metavar="COLUMN")
]


TrimOption = Annotated[
    bool, typer.Option("--trim/--no-trim")
]
LimitOption = Annotated[int, typer.Option(min=0, metavar="N")]
StarsOption = Annotated[bool, typer.Option("--stars/--no-stars")]
NumbersOption = Annotated[
    bool, typer.Option("--numbers/--no-numbers")
]
DatesOption = Annotated[
    bool, typer.Option("--dates/--no-dates")
]
# Checked in `_options`, so that `nan` and `inf` get the same message as a negative value.
ToleranceOption = Annotated[float, typer.Option(metavar="X")]
AutoKeyOption = Annotated[
    bool, typer.Option("--auto-key/--no-auto-key")
]


def _options(
    key, ignore_column, ignore_case: bool, trim: bool, stars: bool, numbers: bool, dates: bool,
    tolerance: float, auto_key: bool,
) -> CompareOptions:
    if not (math.isfinite(tolerance) and tolerance >= 0):
        raise InvalidRequest(reason="tolerance", value=tolerance)
    return CompareOptions(
        key=key or [],
        ignore_columns=ignore_column or [],
        ignore_case=ignore_case,
        trim_whitespace=trim,
        stars_by_value=stars,
        numbers_by_value=numbers,
        dates_by_value=dates,
        numeric_tolerance=tolerance,
        auto_key=auto_key,
    )


@app.command()
def compare(
    baseline: Annotated[str, typer.Argument(metavar="BASELINE_URL")],
    target: Annotated[str, typer.Argument(metavar="TARGET_URL")],
    server: Annotated[str, typer.Option(envvar="DOCDIFF_SERVER", metavar="URL")] = "http://127.0.0.1:8000",
    cookie_file: Annotated[Optional[Path], typer.Option(metavar="FILE")] = None,
    file_format: Annotated[str, typer.Option("--format", metavar="csv|xlsx")] = "csv",
    key: KeyOption = None,
    ignore_column: IgnoreOption = None,
    ignore_case: Annotated[bool, typer.Option()] = False,
    trim: TrimOption = True,
    stars: StarsOption = True,
    numbers: NumbersOption = True,
    dates: DatesOption = True,
    tolerance: ToleranceOption = 0.0,
    auto_key: AutoKeyOption = True,
    xlsx: XlsxOption = None,
    daff: DaffOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    limit: LimitOption = 200,
) -> None:
    """Compare two online documents through a running service, showing progress live."""
    lang = _lang()
    with _coded_errors(lang, as_json):
        if file_format not in ("csv", "xlsx"):
            raise InvalidRequest(reason="format", value=file_format)
        _check_server_url(server)
        for path in (xlsx, daff):
            _check_writable(path, lang)
        options = _options(key, ignore_column, ignore_case, trim, stars, numbers, dates, tolerance, auto_key)
        request = {
            "baseline": baseline,
            "target": target,
            "cookie": _read_cookie(cookie_file, lang),
            "format": file_format,
            "lang": lang,
            "options": options.model_dump(),
        }
        final = _stream_job(server, request, xlsx, daff, lang, as_json)
        if final is None:
            raise InternalError(reason="no_result")
    if final.event == "error":
        _report_error(final.data, lang, as_json)
        raise typer.Exit(EXIT_ERROR)
    result = DiffResult.model_validate(final.data["result"])
    raise typer.Exit(_report(result, as_json, limit, lang))


def _check_server_url(server: str) -> None:
    """Raise InvalidRequest unless `server` is an http(s) URL with a host (and a valid port, when given)."""
    import httpx

    try:
        url = httpx.URL(server)
    except httpx.InvalidURL:
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise InvalidRequest(reason="server_url", server=server)


def _stream_job(server: str, request: dict, xlsx: Path | None, daff: Path | None, lang: str, as_json: bool):
    """Run the job on the service, showing its progress, write the requested reports, and return the final event."""
    import httpx

    from docdiff.client import CompareClient, ServiceError, StreamBroken

    final = None
    job_id = None
    try:
        with CompareClient(server) as client:
            try:
                with ProgressView(stderr, lang) as view:
                    for event in client.events(request):
                        job_id = event.data.get("job_id", job_id)
                        view.show(event)
                        if event.terminal:
                            final = event
            except KeyboardInterrupt:
                _cancel_on_interrupt(client, job_id, lang)
            if final is not None and final.event == "result":
                job_id = final.data["job_id"]
                if xlsx is not None:
                    _write_report(xlsx, client.report(job_id, "xlsx"), lang)
                if daff is not None:
                    _write_report(daff, client.report(job_id, "csv"), lang)
    except ServiceError as exc:
        error = exc.error if exc.error.get("code") else _not_docdiff(server, exc.status_code, lang)
        _report_error(error, lang, as_json)
        raise typer.Exit(EXIT_ERROR)
    except (httpx.HTTPError, StreamBroken) as exc:
        if isinstance(exc, httpx.ConnectError):
            detail = translate("cli.connect_failed", lang)
        elif isinstance(exc, httpx.TimeoutException):
            detail = translate("cli.connect_timeout", lang)
        else:
            detail = _first_line(exc)
        raise ServiceUnreachable(server=server, detail=detail) from exc
    return final


def _not_docdiff(server: str, status: int, lang: str) -> dict:
    return InvalidRequest(reason="not_docdiff", server=server, status=status).to_dict(lang)


def _cancel_on_interrupt(client, job_id: str | None, lang: str) -> None:
    """Cancel the job on Ctrl-C, so it does not run on unwatched, and exit with 130."""
    if job_id is not None:
        try:
            client.cancel(job_id)
            stderr.print(translate("cli.cancelled", lang, job_id=job_id), markup=False)
        except Exception as exc:  # the service may be gone too: report it and still exit
            stderr.print(translate("cli.cancel_failed", lang, job_id=job_id, detail=_first_line(exc)), markup=False)
    raise typer.Exit(130)


@app.command()
def diff(
    baseline: Annotated[Path, typer.Argument(metavar="BASELINE")],
    target: Annotated[Path, typer.Argument(metavar="TARGET")],
    key: KeyOption = None,
    ignore_column: IgnoreOption = None,
    ignore_case: Annotated[bool, typer.Option()] = False,
    trim: TrimOption = True,
    stars: StarsOption = True,
    numbers: NumbersOption = True,
    dates: DatesOption = True,
    tolerance: ToleranceOption = 0.0,
    auto_key: AutoKeyOption = True,
    sheet: Annotated[Optional[str], typer.Option(metavar="NAME")] = None,
    xlsx: XlsxOption = None,
    daff: DaffOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    limit: LimitOption = 200,
) -> None:
    """Compare two local CSV/XLSX files with the same engine as the service."""
    lang = _lang()
    with _coded_errors(lang, as_json):
        options = _options(key, ignore_column, ignore_case, trim, stars, numbers, dates, tolerance, auto_key)
        for path in (xlsx, daff):
            _check_writable(path, lang)
        sides = []
        for side, path in (("baseline", baseline), ("target", target)):
            content = _read_file(path, side, lang)
            try:
                sides.append([load_table(content, str(path), sheet=sheet)] if sheet else load_sheets(content, str(path)))
            except DocdiffError as error:
                error.params.setdefault("side", side)
                raise
        if sheet and all(table.format == "csv" for tables in sides for table in tables):
            raise InvalidRequest(reason="sheet_without_workbook")
        result, pairs = diff_workbooks(sides[0], sides[1], options)
        if xlsx is not None:
            _write_report(xlsx, render_xlsx(pairs, result, lang), lang)
        if daff is not None:
            _write_report(daff, render_daff_csv(*pairs[0], result).encode("utf-8"), lang)
    raise typer.Exit(_report(result, as_json, limit, lang))


@app.command()
def demo(
    pair: Annotated[str, typer.Option(metavar="BASELINE_ID,TARGET_ID")] = ",".join(DEMO_PAIR),
    as_json: Annotated[bool, typer.Option("--json")] = False,
    limit: LimitOption = 20,
) -> None:
    """Start the demo site and the service in this process, compare two sheet versions, exit."""
    from docdiff.demo_runner import run_demo
    from docdiff.demo_site.app import BUNDLED_DOCUMENTS_DIR, load_documents

    lang = _lang()
    baseline_id, _, target_id = pair.partition(",")
    with _coded_errors(lang, as_json):
        if not baseline_id or not target_id:
            raise InvalidRequest(reason="pair", example=",".join(DEMO_PAIR))
        bundled = sorted(load_documents(BUNDLED_DOCUMENTS_DIR))
        for name in (baseline_id, target_id):
            if name not in bundled:
                raise InvalidRequest(reason="unknown_document", name=name, available=", ".join(bundled))
    stderr.print(translate("cli.demo.starting", lang))
    with ProgressView(stderr, lang) as view:
        final = asyncio.run(run_demo(baseline_id, target_id, lang, view.show, stderr))
    if final.event == "error":
        _report_error(final.data, lang, as_json)
        raise typer.Exit(EXIT_ERROR)
    _report(DiffResult.model_validate(final.data["result"]), as_json, limit, lang)
    stderr.print(translate("cli.demo.next", lang), markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_SAME)


def _read_file(path: Path, side: str | None, lang: str) -> bytes:
    """Read a local input file, raising FileUnreadable with the OS reason on failure."""
    try:
        return path.read_bytes()
    except OSError as exc:
        reason = {errno.ENOENT: "not_found", errno.EACCES: "no_access", errno.EISDIR: "is_folder"}.get(exc.errno)
        raise FileUnreadable(reason=reason, side=side, path=str(path), detail=os_error_detail(exc, lang)) from exc


def _help_key(command: str, parameter: str) -> str:
    specific = f"help.{command}.{parameter}"
    return specific if has_message(specific) else f"help.option.{parameter}"


class LocalizedHelp:
    """Mixed into click's help formatter: the words click and typer add themselves, from the catalog.

    Those words (`Usage:`, section headings, `[default: ...]`, `[required]`
    and the `--help` line) are English in click and typer, so they are
    translated here on their way out.
    """

    lang = DEFAULT_LANG

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None else translate("help.click.usage", self.lang))

    def write_heading(self, heading: str) -> None:
        key = f"help.click.section.{heading.lower()}"
        text = translate(key, self.lang) if has_message(key) else f"{heading}:"
        self.write(f"{'':>{self.current_indent}}{text}\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, self._localize(text)) for term, text in rows], col_max, col_spacing)

    def _localize(self, text: str) -> str:
        text = text.replace("Show this message and exit.", translate("help.click.help", self.lang))
        return re.sub(r"\[([^\[\]]*)\]$", self._extras, text)

    def _extras(self, match: re.Match) -> str:
        """Translate the bracket typer appends to a parameter's help: `[env var: X; default: Y; required]`."""
        parts = []
        for part in match.group(1).split("; "):
            label, _, value = part.partition(": ")
            key = f"help.click.{label.replace(' ', '_')}"
            if has_message(key):
                parts.append(translate(key, self.lang, value=value))
            else:
                parts.append(part)
        return translate("help.click.extras", self.lang, extras=translate("help.click.separator", self.lang).join(parts))


def build_cli(lang: str) -> TyperGroup:
    """Build the click group of `app` with every help text taken from the `lang` catalog.

    Raises KeyError when a command or parameter has no `help.*` catalog entry.
    """
    group = typer.main.get_command(app)
    # Subclasses of the classes typer itself uses, which may be its own copy of click's.
    formatter = type("HelpFormatter", (LocalizedHelp, group.context_class.formatter_class), {"lang": lang})
    context = type("Context", (group.context_class,), {"formatter_class": formatter})
    group.help = translate("help.app", lang)
    group.context_class = context
    for name, command in group.commands.items():
        command.help = translate(f"help.{name}", lang)
        command.context_class = context
        # click would cut the command list's entry at about 45 characters.
        command.short_help = command.help
        for parameter in command.params:
            parameter.help = translate(_help_key(name, parameter.name), lang)
    return group


def _param_name(param) -> str:
    """Return a click parameter's name as the user types it: `--limit` for an option, its metavar for an argument."""
    if param.param_type_name == "option":
        return " / ".join(param.opts)
    return param.metavar or param.name.upper()


def usage_detail(error: Exception, lang: str) -> str:
    """Describe a click usage error in `lang`.

    click's messages are English f-strings, so each known kind of error is
    rebuilt from the exception's attributes. A kind not known here keeps
    click's own text.
    """
    # NOTE: four cases are recognised by click's English wording in typer 0.29.
    # The command-line tests fail if a typer release rewords them.
    kind = type(error).__name__
    message = getattr(error, "message", "")
    param = getattr(error, "param", None)
    if kind == "NoSuchOption":
        text = translate("cli.usage.no_such_option", lang, option=error.option_name)
        if error.possibilities:
            text += translate("cli.usage.possible", lang, options=", ".join(sorted(error.possibilities)))
        return text
    if kind == "MissingParameter" and param is not None:
        return translate(f"cli.usage.missing_{param.param_type_name}", lang, name=_param_name(param))
    if kind == "BadParameter" and param is not None and hasattr(error.__cause__, "errors"):
        problem = error.__cause__.errors()[0]
        return translate(
            "cli.usage.bad_value", lang, option=_param_name(param), value=problem.get("input", ""),
            reason=value_error_detail(problem, lang),
        )
    if kind == "BadOptionUsage" and message.endswith("does not take a value."):
        return translate("cli.usage.takes_no_value", lang, option=error.option_name)
    if kind == "BadOptionUsage" and " requires " in message:
        return translate("cli.usage.needs_value", lang, option=error.option_name)
    if extra := re.fullmatch(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", message):
        return translate("cli.usage.extra_arguments", lang, arguments=extra.group(1))
    if command := re.fullmatch(r"No such command '(.*)'\.(?: Did you mean '(.*)'\?)?", message):
        text = translate("cli.usage.no_such_command", lang, name=command.group(1))
        if command.group(2):
            text += translate("cli.usage.similar_command", lang, name=command.group(2))
        return text
    return error.format_message()


def _failed_command(error: Exception, argv: list[str], group: TyperGroup) -> str:
    """Return the command whose `--help` the hint suggests: the failing context's, else the command named in `argv`."""
    context = getattr(error, "ctx", None)
    if context is not None and context.command_path != "docdiff":
        return context.command_path
    # The option parser raises some errors before the command's context exists.
    named = next((word for word in argv if not word.startswith("-")), None)
    return f"docdiff {named}" if named in group.commands else "docdiff"


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, where a malformed command line is an `invalid_request` error like any other."""
    lang = lang_from_env()
    argv = sys.argv[1:] if argv is None else argv
    group = build_cli(lang)
    try:
        code = group.main(argv, prog_name="docdiff", standalone_mode=False)
    except typer.Abort:
        stderr.print(translate("cli.aborted", lang), markup=False)
        sys.exit(EXIT_ERROR)
    except typer.TyperException as error:
        # click's usage errors (unknown option, bad value, missing argument) exit with 2;
        # a command given no arguments shows its help the same way.
        if getattr(error, "exit_code", 1) != EXIT_ERROR or type(error).__name__ == "NoArgsIsHelpError":
            error.show()
            sys.exit(getattr(error, "exit_code", 1))
        command = _failed_command(error, argv, group)
        usage = InvalidRequest(reason="usage", detail=usage_detail(error, lang), command=command)
        as_json = any(word == "--json" or word.startswith("--json=") for word in argv)
        _report_error(usage.to_dict(lang), lang, as_json)
        sys.exit(EXIT_ERROR)
    sys.exit(code if isinstance(code, int) else EXIT_SAME)


if __name__ == "__main__":
    main()
