"""The READMEs document every setting, command and error code the code has."""

from pathlib import Path

import pytest

from docdiff.cli import app
from docdiff.errors import DocdiffError
from docdiff.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
READMES = [ROOT / "README.md", ROOT / "README.zh-CN.md"]


def all_error_codes() -> set[str]:
    pending = [DocdiffError]
    codes = set()
    while pending:
        cls = pending.pop()
        codes.add(cls.code)
        pending.extend(cls.__subclasses__())
    return codes - {"job_not_found"}


@pytest.mark.parametrize("readme", READMES, ids=lambda path: path.name)
def test_every_setting_documented(readme):
    text = readme.read_text(encoding="utf-8")
    missing = [f"DOCDIFF_{name.upper()}" for name in Settings.model_fields if f"DOCDIFF_{name.upper()}" not in text]
    assert missing == []


@pytest.mark.parametrize("readme", READMES, ids=lambda path: path.name)
def test_every_command_documented(readme):
    text = readme.read_text(encoding="utf-8")
    commands = [command.name or command.callback.__name__ for command in app.registered_commands]
    assert [name for name in commands if f"docdiff {name}" not in text] == []


@pytest.mark.parametrize("readme", READMES, ids=lambda path: path.name)
def test_every_error_code_documented(readme):
    text = readme.read_text(encoding="utf-8")
    assert sorted(code for code in all_error_codes() if f"`{code}`" not in text) == []


def test_ci_runs_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")
