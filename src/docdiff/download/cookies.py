"""Parse the user's cookie into Playwright cookie records.

Two forms are accepted, as users copy them:
- a `Cookie:` request header value from the browser's developer tools,
  `name=value; name2=value2`, with or without the `Cookie:` prefix;
- a JSON cookie list as browser extensions export it (Cookie-Editor,
  EditThisCookie), or Playwright's storage state `{"cookies": [...]}`.

Errors name the position of the bad entry but never echo a value.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

from docdiff.errors import CookieInvalid, CookieMissing

# RFC 6265 cookie-name: an HTTP token.
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_SAME_SITE = {
    "strict": "Strict",
    "lax": "Lax",
    "none": "None",
    "no_restriction": "None",
}


@dataclass(frozen=True)
class Cookie:
    name: str
    value: str
    domain: str | None = None
    path: str = "/"
    secure: bool = False
    http_only: bool = False
    expires: float | None = None
    same_site: str | None = None

    def __repr__(self) -> str:
        return f"Cookie(name={self.name!r}, domain={self.domain!r}, value=<hidden>)"

    def for_playwright(self, url: str | None = None, domain: str | None = None) -> dict[str, Any]:
        """Build the record `BrowserContext.add_cookies` takes, bound to a URL or a domain."""
        record: dict[str, Any] = {"name": self.name, "value": self.value}
        if url is not None:
            record["url"] = url
        else:
            record["domain"] = domain or self.domain
            record["path"] = self.path
        record["secure"] = self.secure
        record["httpOnly"] = self.http_only
        if self.expires is not None:
            record["expires"] = self.expires
        if self.same_site is not None:
            record["sameSite"] = self.same_site
        return record


def parse_cookies(raw: str | None) -> list[Cookie]:
    """Parse a cookie header string or JSON cookie list.

    Raises CookieMissing when nothing is given and CookieInvalid when the
    text is neither form.
    """
    text = (raw or "").strip()
    if not text:
        raise CookieMissing(stage="login")
    if text[0] in "[{":
        return _parse_json(text)
    return _parse_header(text)


def _parse_header(text: str) -> list[Cookie]:
    if text.lower().startswith("cookie:"):
        text = text[len("cookie:"):]
    cookies = []
    for position, part in enumerate(text.split(";"), start=1):
        part = part.strip()
        if not part:
            continue
        name, separator, value = part.partition("=")
        name = name.strip()
        if not separator or not _TOKEN.match(name):
            raise CookieInvalid(stage="login", reason="not_pair", position=position)
        cookies.append(Cookie(name=name, value=value.strip().strip('"')))
    if not cookies:
        raise CookieMissing(stage="login")
    return cookies


def _parse_json(text: str) -> list[Cookie]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CookieInvalid(stage="login", reason="json", line=exc.lineno, column=exc.colno) from None
    if isinstance(data, dict):
        data = data.get("cookies")
    if not isinstance(data, list):
        raise CookieInvalid(stage="login", reason="json_shape")

    cookies = [_cookie_from_json(entry, position) for position, entry in enumerate(data, start=1)]
    if not cookies:
        raise CookieMissing(stage="login")
    return cookies


def _cookie_from_json(entry: Any, position: int) -> Cookie:
    if not isinstance(entry, dict):
        raise CookieInvalid(stage="login", reason="json_not_object", position=position)
    name = entry.get("name")
    value = entry.get("value")
    if not isinstance(name, str) or not _TOKEN.match(name):
        raise CookieInvalid(stage="login", reason="json_no_name", position=position)
    if not isinstance(value, str):
        raise CookieInvalid(stage="login", reason="json_no_value", position=position, name=name)

    expires = entry.get("expirationDate", entry.get("expires"))
    if not isinstance(expires, (int, float)) or expires <= 0 or entry.get("session") is True:
        expires = None
    same_site = entry.get("sameSite")
    same_site = _SAME_SITE.get(same_site.lower()) if isinstance(same_site, str) else None
    domain = entry.get("domain") if isinstance(entry.get("domain"), str) and entry.get("domain") else None
    return Cookie(
        name=name,
        value=value,
        domain=domain,
        path=entry.get("path") or "/",
        secure=bool(entry.get("secure", False)),
        http_only=bool(entry.get("httpOnly", False)),
        expires=float(expires) if expires is not None else None,
        same_site=same_site,
    )
