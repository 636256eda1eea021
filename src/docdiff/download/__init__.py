"""Get the two files to compare: a shared browser, cookies and site profiles."""

from docdiff.download.browser import BrowserPool, DocumentPage, ExportedFile
from docdiff.download.cookies import Cookie, parse_cookies
from docdiff.download.profiles import BUILTIN_PROFILES, SiteProfile, resolve_profile

__all__ = [
    "BUILTIN_PROFILES",
    "BrowserPool",
    "Cookie",
    "DocumentPage",
    "ExportedFile",
    "SiteProfile",
    "parse_cookies",
    "resolve_profile",
]
