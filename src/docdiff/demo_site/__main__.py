"""Command line of the demo document site: `python -m docdiff.demo_site --help`.

Prints the document URLs and the session cookie, then serves until interrupted.
The session token comes from --session-token-file, else from the
DOCDIFF_DEMO_SESSION environment variable, else it is generated. It is never a
plain option value, because command lines are visible to other local users.
"""

import argparse
import logging
import os
import secrets
from pathlib import Path
from urllib.parse import quote

from pydantic import ValidationError

from docdiff.i18n import lang_from_env, translate

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


def non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def build_parser(prog: str = "python -m docdiff.demo_site") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Serve the demo document site, a stand-in for the Tencent Docs sheet editor.",
        epilog=f"The session token is read from --session-token-file, else from the "
        f"{SESSION_ENV} environment variable, else generated and printed.",
    )

    server = parser.add_argument_group("server")
    server.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    server.add_argument(
        "--port", type=int, default=8765, help="port to listen on (default: %(default)s)"
    )

    content = parser.add_argument_group("documents and session")
    content.add_argument(
        "--documents", type=Path, default=BUNDLED_DOCUMENTS_DIR, metavar="DIR",
        help="folder whose .csv and .xlsx files are served (default: the bundled documents)",
    )
    content.add_argument(
        "--session-token-file", type=Path, metavar="FILE",
        help="file containing the session token, the only valid value of the demo_sid cookie",
    )

    knobs = parser.add_argument_group("knobs", "start-up values, changeable at /_demo/knobs")
    knobs.add_argument(
        "--page-latency-ms", type=non_negative_int, default=0, metavar="N",
        help="delay in milliseconds before sheet pages and cell data respond (default: 0)",
    )
    knobs.add_argument(
        "--export-latency-ms", type=non_negative_int, default=0, metavar="N",
        help="delay in milliseconds before an export request responds (default: 0)",
    )
    knobs.add_argument(
        "--export-failure", action="store_true", help="make every export fail with HTTP 500"
    )
    knobs.add_argument(
        "--missing-menu", action="store_true",
        help="render sheets without the more button, so the export menu cannot be opened",
    )
    knobs.add_argument(
        "--forbidden", action="append", default=[], metavar="DOC_ID",
        help="document id that the session may not open; repeat for more",
    )
    knobs.add_argument(
        "--session-expired", action="store_true",
        help="treat the valid session token as logged out",
    )
    return parser


def read_session_token(parser: argparse.ArgumentParser, token_file: Path | None) -> str:
    if token_file is not None:
        try:
            return token_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            parser.error(f"cannot read --session-token-file {token_file}: {error.strerror}")
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
        messages = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
        parser.error(f"invalid settings: {'; '.join(messages)}")


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
        parser.error(f"{error}. Pass --documents with a folder that contains .csv or .xlsx files.")

    print_banner(app.state.demo_site, args.host, args.port)
    serve(app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
