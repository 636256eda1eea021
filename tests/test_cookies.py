"""Cookie parsing: header strings and JSON exports, with errors that never echo values."""

import json

import pytest

from docdiff.download.browser import cookie_records
from docdiff.download.cookies import parse_cookies
from docdiff.download.profiles import TENCENT
from docdiff.errors import CookieInvalid, CookieMissing


def test_header_string():
    cookies = parse_cookies("uid=144115; uid_key=EOba=; TOK=abc")
    assert [(c.name, c.value) for c in cookies] == [("uid", "144115"), ("uid_key", "EOba="), ("TOK", "abc")]


def test_header_with_prefix_and_trailing_semicolon():
    cookies = parse_cookies("Cookie: a=1; b=2;")
    assert [c.name for c in cookies] == ["a", "b"]


@pytest.mark.parametrize("raw", ["", "   ", None, ";"])
def test_empty_cookie_is_missing(raw):
    with pytest.raises(CookieMissing):
        parse_cookies(raw)


def test_malformed_header_names_position_not_value():
    with pytest.raises(CookieInvalid) as caught:
        parse_cookies("a=1; secretvalue-without-name")
    message = caught.value.message("en")
    assert "entry 2" in message
    assert "secretvalue" not in message
    assert caught.value.code == "invalid_request"


def test_json_cookie_editor_export():
    exported = [
        {"name": "uid", "value": "42", "domain": ".qq.com", "path": "/", "secure": True, "httpOnly": True,
         "expirationDate": 1893456000.5, "sameSite": "no_restriction"},
        {"name": "TOK", "value": "t", "domain": "docs.qq.com", "session": True, "sameSite": "unspecified"},
    ]
    cookies = parse_cookies(json.dumps(exported))
    assert cookies[0].domain == ".qq.com"
    assert cookies[0].same_site == "None"
    assert cookies[0].expires == 1893456000.5
    assert cookies[1].expires is None
    assert cookies[1].same_site is None


def test_playwright_storage_state():
    cookies = parse_cookies(json.dumps({"cookies": [{"name": "a", "value": "1", "domain": "x.test"}]}))
    assert cookies[0].name == "a"


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("[1, 2]", "cookie 1 is not an object"),
        ('[{"value": "v"}]', "no valid name"),
        ('[{"name": "a", "value": 5}]', "no string value"),
        ('{"nope": 1}', "list of cookies"),
        ("[{", "JSON is invalid at line 1"),
    ],
)
def test_bad_json_cookies(raw, fragment):
    with pytest.raises(CookieInvalid) as caught:
        parse_cookies(raw)
    assert fragment in caught.value.message("en")


def test_cookie_errors_are_localized():
    with pytest.raises(CookieInvalid) as caught:
        parse_cookies("a=1; broken")
    assert caught.value.message("zh-CN") == "Cookie 格式无效：第 2 项不是 name=value 形式（Cookie 请求头形如 a=1; b=2）。"
    assert "name=value" in caught.value.hint("en")


def test_repr_hides_value():
    cookie = parse_cookies("session=top-secret")[0]
    assert "top-secret" not in repr(cookie)


def test_header_cookies_bound_to_document_and_profile_domains():
    cookies = parse_cookies("uid=1")
    records = cookie_records("https://docs.qq.com/sheet/abc", cookies, TENCENT)
    assert {"name": "uid", "value": "1", "url": "https://docs.qq.com", "secure": False, "httpOnly": False} in records
    assert {r.get("domain") for r in records} >= {".docs.qq.com", ".qq.com"}


def test_header_cookies_for_other_host_skip_profile_domains():
    records = cookie_records("http://127.0.0.1:8765/sheet/x", parse_cookies("uid=1"), TENCENT)
    assert records == [{"name": "uid", "value": "1", "url": "http://127.0.0.1:8765", "secure": False, "httpOnly": False}]
