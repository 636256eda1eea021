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
from docdiff.i18n import normalize_lang
from docdiff.jobs import JobRunner, JobStore
from docdiff.settings import Settings

logger = logging.getLogger(__name__)


def request_lang(request: Request) -> str:
    return normalize_lang(request.headers.get("accept-language"))


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
        return JSONResponse({"error": error.to_dict(request_lang(request))}, status_code=error.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        # FastAPI's default body echoes the submitted values, cookie included;
        # report only where and what failed.
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'] if part != 'body')}: {problem['msg']}"
            for problem in error.errors()
        )
        invalid = InvalidRequest(detail=problems)
        return JSONResponse({"error": invalid.to_dict(request_lang(request))}, status_code=422)

    return app
