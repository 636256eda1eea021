"""The FastAPI application: one browser, one job store and one runner per process."""

import contextlib
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from docdiff.api.routes import STATIC_DIR, router
from docdiff.download import BrowserPool
from docdiff.errors import DocdiffError, InvalidRequest
from docdiff.i18n import accepted_lang, has_message, normalize_lang, translate, value_error_detail
from docdiff.jobs import JobRunner, JobStore
from docdiff.settings import Settings

logger = logging.getLogger(__name__)


def request_lang(request: Request) -> str:
    return accepted_lang(request.headers.get("accept-language"))


def describe_validation_errors(problems: list[dict], lang: str) -> str:
    """Describe pydantic's validation errors in the catalog's words, without the submitted values."""
    described = []
    for problem in problems:
        field = ".".join(str(part) for part in problem["loc"] if part != "body")
        context = problem.get("ctx") or {}
        key = f"validation.{problem['type']}"
        if not has_message(key) and has_message(f"value.{problem['type']}"):
            # Number checks (type, range, finite) read as "field: what it must be".
            described.append(
                translate("validation.value", lang, field=field, detail=value_error_detail(problem, lang))
            )
            continue
        if not has_message(key):
            key = "validation.other"
        described.append(
            translate(
                key,
                lang,
                field=field or translate("validation.body", lang),
                max_length=context.get("max_length", ""),
                expected=str(context.get("expected", "")).replace(" or ", translate("validation.or", lang)),
                message=problem.get("msg", ""),
            )
        )
    return translate("validation.separator", lang).join(described)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        pool = BrowserPool(settings)
        await pool.start()
        store = JobStore(settings.job_ttl_s, settings.max_jobs)
        runner = JobRunner(settings, store, pool)
        app.state.settings = settings
        app.state.pool = pool
        app.state.store = store
        app.state.runner = runner
        logger.info("docdiff service started")
        try:
            yield
        finally:
            await runner.close()
            await pool.close()
            logger.info("docdiff service stopped")

    app = FastAPI(title="docdiff", lifespan=lifespan)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.exception_handler(DocdiffError)
    async def docdiff_error(request: Request, error: DocdiffError) -> JSONResponse:
        lang = getattr(error, "lang", None) or request_lang(request)
        return JSONResponse({"error": error.to_dict(lang)}, status_code=error.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        # FastAPI's default body echoes the submitted values, cookie included;
        # report only where and what failed.
        # The body's own `lang` wins, as it does for the errors raised after validation.
        body_lang = error.body.get("lang") if isinstance(error.body, dict) else None
        lang = normalize_lang(body_lang) if isinstance(body_lang, str) else request_lang(request)
        invalid = InvalidRequest(detail=describe_validation_errors(error.errors(), lang))
        return JSONResponse({"error": invalid.to_dict(lang)}, status_code=422)

    return app
