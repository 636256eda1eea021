"""Demo document site that replaces the Tencent Docs sheet editor in tests and demos."""

from docdiff.demo_site.app import DemoKnobs, DemoSiteConfig, create_app, run

__all__ = ["DemoKnobs", "DemoSiteConfig", "create_app", "run"]
