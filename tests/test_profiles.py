"""Which profile serves a URL, and which hosts are allowed at all."""

import pytest

from docdiff.download.profiles import host_matches, resolve_profile
from docdiff.errors import HostNotAllowed, InvalidRequest
from docdiff.settings import Settings


@pytest.mark.parametrize(
    "pattern, netloc, expected",
    [
        ("docs.qq.com", "docs.qq.com", True),
        ("docs.qq.com", "docs.qq.com:443", True),
        ("docs.qq.com", "evil-docs.qq.com", False),
        ("*.qq.com", "docs.qq.com", True),
        ("127.0.0.1:8765", "127.0.0.1:8765", True),
        ("127.0.0.1:8765", "127.0.0.1:8766", False),
        ("DOCS.QQ.COM", "docs.qq.com", True),
    ],
)
def test_host_matches(pattern, netloc, expected):
    assert host_matches(pattern, netloc) is expected


def test_tencent_profile_serves_docs_qq_com():
    assert resolve_profile("https://docs.qq.com/sheet/DV2x", Settings()).name == "tencent"


def test_profile_hosts_can_be_replaced():
    settings = Settings(profile_hosts={"tencent": ["127.0.0.1:9000"]})
    assert resolve_profile("http://127.0.0.1:9000/sheet/a", settings).name == "tencent"
    with pytest.raises(HostNotAllowed):
        resolve_profile("https://docs.qq.com/sheet/a", settings)


def test_allow_list_uses_default_profile():
    settings = Settings(allowed_hosts=["sheets.internal.test"])
    assert resolve_profile("https://sheets.internal.test/sheet/a", settings).name == "tencent"


def test_unknown_host_is_not_allowed():
    with pytest.raises(HostNotAllowed) as caught:
        resolve_profile("https://example.test/sheet/a", Settings())
    assert "example.test" in caught.value.message("en")


def test_credentials_in_url_do_not_change_host():
    with pytest.raises(HostNotAllowed):
        resolve_profile("https://docs.qq.com@example.test/sheet/a", Settings())


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "docs.qq.com/sheet/a", ""])
def test_non_http_urls_are_invalid(url):
    with pytest.raises(InvalidRequest):
        resolve_profile(url, Settings())


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("DOCDIFF_PROFILE_HOSTS", '{"tencent": ["127.0.0.1:1"]}')
    monkeypatch.setenv("DOCDIFF_ALLOWED_HOSTS", '["a.test"]')
    monkeypatch.setenv("DOCDIFF_PING_INTERVAL_S", "3")
    settings = Settings()
    assert settings.profile_hosts == {"tencent": ["127.0.0.1:1"]}
    assert settings.allowed_hosts == ["a.test"]
    assert settings.ping_interval_s == 3.0
