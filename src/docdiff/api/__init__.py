"""The HTTP service: FastAPI app factory, routes, SSE and the web page."""

from docdiff.api.app import create_app

__all__ = ["create_app"]
