"""Command line of the demo document site: `python -m docdiff.demo_site --help`.

Prints the document URLs and the session cookie, then serves until interrupted.
The session token comes from --session-token-file, else from the
DOCDIFF_DEMO_SESSION environment variable, else it is generated. It is never a
plain option value, because command lines are visible to other local users.
"""

import argparse
import logging
import os
import re
import secrets
import sys
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote

from pydantic import ValidationError

from docdiff.i18n import lang_from_env, os_error_detail, translate
from docdiff.serving import bind

from docdiff.demo_site.app import (
    BUNDLED_DOCUMENTS_DIR,
    SESSION_COOKIE,
    DemoKnobs,
    DemoSiteConfig,
    DocumentsError,
    SiteState,
    create_app,
    serve,
)

SESSION_ENV = "DOCDIFF_DEMO_SESSION"


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(translate("demo_site.error.not_integer", lang_from_env(), value=text)) from None


def port_number(text: str) -> int:
    value = _integer(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(translate("demo_site.error.port", lang_from_env(), value=value))
    return value


def non_negative_int(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(translate("demo_site.error.negative", lang_from_env(), value=value))
    return value


def usage_detail(message: str, lang: str) -> str:
    """Translate argparse's English error `message` into `lang`. A message not recognised here stays as it is."""

    def text(key: str, **params: object) -> str:
        return translate(f"demo_site.usage.{key}", lang, **params)

    if found := re.fullmatch(r"unrecognized arguments: (.*)", message):
        return text("unrecognized", arguments=found.group(1))
    if found := re.fullmatch(r"ambiguous option: (\S+) could match (.*)", message):
        return text("ambiguous", option=found.group(1), matches=found.group(2))
    if found := re.fullmatch(r"argument (\S+): (.*)", message, re.DOTALL):
        option, detail = found.groups()
        if detail == "expected one argument":
            detail = text("needs_value")
        elif explicit := re.fullmatch(r"ignored explicit argument (.*)", detail):
            detail = text("takes_no_value", value=explicit.group(1))
        return text("argument", option=option, detail=detail)
    return message


def build_parser(prog: str = "python -m docdiff.demo_site", lang: str | None = None) -> argparse.ArgumentParser:
    """Build the parser with its help in `lang` (by default the language that `LANG` selects)."""
    lang = lang or lang_from_env()

    def text(key: str, **params: object) -> str:
        return translate(f"demo_site.{key}", lang, **params)

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage, actions, groups, prefix=None):
            super().add_usage(usage, actions, groups, prefix=prefix or text("usage"))

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            self.print_usage(sys.stderr)
            self.exit(2, text("error", prog=self.prog, message=usage_detail(message, lang)) + "\n")

    parser = Parser(
        prog=prog,
        description=text("description"),
        epilog=text("epilog", env=SESSION_ENV),
        formatter_class=Formatter,
        add_help=False,
    )

    server = parser.add_argument_group(text("group.server"))
    server.add_argument("--host", default="127.0.0.1", help=text("host"))
    server.add_argument("--port", type=port_number, default=8765, help=text("port"))

    content = parser.add_argument_group(text("group.documents"))
    content.add_argument(
        "--documents", type=Path, default=BUNDLED_DOCUMENTS_DIR, metavar="DIR", help=text("documents")
    )
    content.add_argument("--session-token-file", type=Path, metavar="FILE", help=text("session_token_file"))

    knobs = parser.add_argument_group(text("group.knobs"), text("group.knobs.description"))
    knobs.add_argument(
        "--page-latency-ms", type=non_negative_int, default=0, metavar="N", help=text("page_latency_ms")
    )
    knobs.add_argument(
        "--export-latency-ms", type=non_negative_int, default=0, metavar="N", help=text("export_latency_ms")
    )
    knobs.add_argument("--export-failure", action="store_true", help=text("export_failure"))
    knobs.add_argument("--missing-menu", action="store_true", help=text("missing_menu"))
    knobs.add_argument("--forbidden", action="append", default=[], metavar="DOC_ID", help=text("forbidden"))
    knobs.add_argument("--session-expired", action="store_true", help=text("session_expired"))

    parser.add_argument_group(text("group.help")).add_argument("-h", "--help", action="help", help=text("help"))
    return parser


def read_session_token(parser: argparse.ArgumentParser, token_file: Path | None) -> str:
    if token_file is not None:
        try:
            return token_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            lang = lang_from_env()
            parser.error(
                translate("demo_site.error.token_file", lang, path=token_file, detail=os_error_detail(error, lang))
            )
    return os.environ.get(SESSION_ENV) or secrets.token_urlsafe(24)


def build_config(parser: argparse.ArgumentParser, args: argparse.Namespace) -> DemoSiteConfig:
    knobs = DemoKnobs(
        page_latency_ms=args.page_latency_ms,
        export_latency_ms=args.export_latency_ms,
        export_failure=args.export_failure,
        missing_menu=args.missing_menu,
        forbidden=args.forbidden,
        session_expired=args.session_expired,
    )
    try:
        return DemoSiteConfig(
            documents_dir=args.documents,
            session_token=read_session_token(parser, args.session_token_file),
            knobs=knobs,
        )
    except ValidationError as error:
        lang = lang_from_env()
        messages = [
            translate("demo_site.error.session_token", lang)
            if problem["loc"] == ("session_token",)
            else f"{'.'.join(map(str, problem['loc']))}: {problem['msg']}"
            for problem in error.errors()
        ]
        parser.error(translate("demo_site.error.settings", lang, detail="; ".join(messages)))


def print_banner(state: SiteState, host: str, port: int) -> None:
    lang = lang_from_env()
    base_url = f"http://{host}:{port}"
    print(translate("cli.demo_site.ready", lang, url=f"{base_url}/"))
    print(translate("cli.demo_site.cookie", lang))
    print(f"  {SESSION_COOKIE}={state.session_token}")
    print(translate("cli.demo_site.documents", lang))
    for doc_id in state.documents:
        print(f"  {base_url}/sheet/{quote(doc_id)}")
    print(flush=True)


def main(argv: list[str] | None = None, prog: str = "python -m docdiff.demo_site") -> None:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    config = build_config(parser, args)
    try:
        app = create_app(config)
    except DocumentsError as error:
        lang = lang_from_env()
        detail = translate(f"demo_site.error.documents.{error.reason}", lang, folder=error.folder)
        parser.error(translate("demo_site.error.documents", lang, detail=detail))
    try:
        sock = bind(args.host, args.port)
    except OSError as error:
        detail = error.strerror or str(error)
        parser.error(translate("demo_site.error.bind", lang_from_env(), host=args.host, port=args.port, detail=detail))

    print_banner(app.state.demo_site, args.host, args.port)
    serve(app, sock)


if __name__ == "__main__":
    main()
