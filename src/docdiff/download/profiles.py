"""Site profiles: how to open and export documents of one online editor, as data.

A profile names the hosts it serves, the cookie domains, the selectors
that tell a logged-in page from a logged-out, missing or forbidden one,
and the export menu steps, each a list of selectors tried in order. The
download code runs any profile the same way; adding a site means adding
data here, not code.
"""

from fnmatch import fnmatchcase
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from docdiff.errors import HostNotAllowed, InvalidRequest
from docdiff.settings import Settings


class ExportStep(BaseModel):
    action: Literal["click", "hover"]
    selectors: list[str] = Field(min_length=1, description="Fallbacks; the first visible one is used.")


class SiteProfile(BaseModel):
    name: str
    hosts: list[str] = Field(description="Host patterns, `host` or `host:port`, `*` wildcards.")
    cookie_domains: list[str] = Field(
        default_factory=list,
        description="Domains a header cookie is set for, when the document's host is inside them.",
    )
    logged_in: list[str]
    logged_out: list[str]
    not_found: list[str] = Field(default_factory=list)
    no_permission: list[str] = Field(default_factory=list)
    export_error: list[str] = Field(default_factory=list)
    export: dict[str, list[ExportStep]] = Field(description="Menu steps per format, `csv` or `xlsx`.")

    def serves(self, netloc: str, patterns: list[str] | None = None) -> bool:
        return any(host_matches(pattern, netloc) for pattern in (patterns or self.hosts))


TENCENT = SiteProfile(
    name="tencent",
    hosts=["docs.qq.com"],
    cookie_domains=[".docs.qq.com", ".qq.com"],
    logged_in=[".titlebar-icon.titlebar-icon-more", "#canvasContainer canvas", "#canvasContainer table"],
    logged_out=["#header-login-btn", ".login-btn", ".titlebar-readonly-badge", ".readonly-badge"],
    not_found=[".doc-not-found"],
    no_permission=[".doc-no-permission"],
    export_error=[".dui-toast.dui-toast-error"],
    export={
        "csv": [
            ExportStep(action="click", selectors=[".titlebar-icon.titlebar-icon-more"]),
            ExportStep(action="hover", selectors=["li.dui-menu-item.mainmenu-submenu-exportAs"]),
            ExportStep(action="click", selectors=["li.dui-menu-item.mainmenu-item-export-csv"]),
        ],
        "xlsx": [
            ExportStep(action="click", selectors=[".titlebar-icon.titlebar-icon-more"]),
            ExportStep(action="hover", selectors=["li.dui-menu-item.mainmenu-submenu-exportAs"]),
            ExportStep(action="click", selectors=["li.dui-menu-item.mainmenu-item-export-local"]),
        ],
    },
)

BUILTIN_PROFILES: dict[str, SiteProfile] = {TENCENT.name: TENCENT}


def host_matches(pattern: str, netloc: str) -> bool:
    """Match `host` patterns against any port and `host:port` patterns exactly."""
    netloc = netloc.lower()
    pattern = pattern.lower()
    host = netloc.rsplit(":", 1)[0] if ":" in netloc and not netloc.endswith("]") else netloc
    if ":" in pattern:
        return fnmatchcase(netloc, pattern)
    return fnmatchcase(host, pattern)


def unknown_profile_names(settings: Settings) -> list[str]:
    """Return the profile names in `profile_hosts` and `default_profile` that no built-in profile has."""
    return [name for name in [*settings.profile_hosts, settings.default_profile] if name not in BUILTIN_PROFILES]


def resolve_profile(url: str, settings: Settings, stage: str | None = None, side: str | None = None) -> SiteProfile:
    """Return the profile that serves `url`, the `side` document's URL.

    Raises InvalidRequest for a URL that is not http(s) and HostNotAllowed
    for a host that no profile serves and the allow-list does not name.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidRequest(stage=stage, reason="bad_url", url=url, side=side)
    netloc = parts.netloc.rsplit("@", 1)[-1]

    for name, profile in BUILTIN_PROFILES.items():
        patterns = settings.profile_hosts.get(name, profile.hosts)
        if profile.serves(netloc, patterns):
            return profile
    if any(host_matches(pattern, netloc) for pattern in settings.allowed_hosts):
        return BUILTIN_PROFILES[settings.default_profile]
    raise HostNotAllowed(stage=stage, host=netloc, side=side)
