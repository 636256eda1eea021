"""Errors with a stable code, an HTTP status and a localized message.

Every failure a user can cause or meet is a `DocdiffError` subclass. The code
is for programs and never changes. The message is built from the i18n
catalog in the job's language and names the failing value, and the hint
tells what to do next. No error carries a cookie value: callers pass only names,
URLs and sizes as parameters.
"""

from typing import Any, ClassVar

from docdiff.i18n import has_message, translate


# Fields of every error object: in the service's error events and responses and
# in the CLI's `--json` output. A field that does not apply is None.
ERROR_FIELDS = ("code", "message", "hint", "stage", "side", "retryable")


class DocdiffError(Exception):
    code: ClassVar[str] = "internal"
    status_code: ClassVar[int] = 500
    retryable: ClassVar[bool] = False
    # Catalog key of the message and hint when it differs from the code: an
    # error reported under a shared code (`invalid_request`) with its own text.
    catalog_key: ClassVar[str | None] = None

    def __init__(self, stage: str | None = None, reason: str | None = None, **params: Any) -> None:
        self.stage = stage
        self.reason = reason
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        return translate(f"error.{self.message_key}", lang, **self.params)

    def hint(self, lang: str) -> str:
        specific = f"hint.{self.message_key}"
        if has_message(specific):
            return translate(specific, lang, **self.params)
        return translate(f"hint.{self.base_key}", lang, **self.params)

    @property
    def base_key(self) -> str:
        return self.catalog_key or self.code

    @property
    def message_key(self) -> str:
        """Catalog key of the message: the code, refined by the reason when one is given."""
        return f"{self.base_key}.{self.reason}" if self.reason else self.base_key

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message(lang),
            "hint": self.hint(lang),
            "stage": self.stage,
            "side": self.params.get("side"),
            "retryable": self.retryable,
        }


class InvalidRequest(DocdiffError):
    code = "invalid_request"
    status_code = 422


class FileUnreadable(DocdiffError):
    """A local file the CLI cannot read, reported under the `invalid_request` code.

    The reason is `not_found`, `no_access`, `is_folder` or `not_utf8`. Without
    a reason, the message shows the `detail` parameter, the OS error.
    """

    code = "invalid_request"
    status_code = 422
    catalog_key = "file_unreadable"


class ServiceUnreachable(DocdiffError):
    """The CLI cannot reach the docdiff service, or lost its event stream."""

    code = "service_unreachable"
    status_code = 503
    retryable = True


class HostNotAllowed(DocdiffError):
    code = "host_not_allowed"
    status_code = 403


class CookieMissing(DocdiffError):
    code = "cookie_missing"
    status_code = 422


class CookieInvalid(DocdiffError):
    """A cookie that cannot be parsed; reported under the `invalid_request` code."""

    code = "invalid_request"
    status_code = 422
    catalog_key = "cookie_invalid"


class CookieExpired(DocdiffError):
    code = "cookie_expired"
    status_code = 401


class DocumentNotFound(DocdiffError):
    code = "document_not_found"
    status_code = 404


class PermissionDenied(DocdiffError):
    code = "permission_denied"
    status_code = 403


class ExportFailed(DocdiffError):
    code = "export_failed"
    status_code = 502
    retryable = True


class DownloadTimeout(DocdiffError):
    code = "download_timeout"
    status_code = 504
    retryable = True


class UnsupportedFormat(DocdiffError):
    code = "unsupported_format"
    status_code = 415


class ParseError(DocdiffError):
    code = "parse_error"
    status_code = 422


class FileTooLarge(DocdiffError):
    code = "file_too_large"
    status_code = 413


class BrowserCrashed(DocdiffError):
    code = "browser_crashed"
    status_code = 503
    retryable = True


class Cancelled(DocdiffError):
    code = "cancelled"
    status_code = 409


class InternalError(DocdiffError):
    code = "internal"
    status_code = 500
    retryable = True


class JobFinished(DocdiffError):
    code = "job_finished"
    status_code = 409


class JobNotFound(DocdiffError):
    code = "job_not_found"
    status_code = 404


class ReportNotReady(DocdiffError):
    code = "report_not_ready"
    status_code = 409
