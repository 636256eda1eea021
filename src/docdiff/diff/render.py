"""Render a diff payload for people: a summary and a table of changes, with rich."""

import json

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from docdiff.diff.model import DiffResult
from docdiff.i18n import translate

KIND_STYLES = {"added": "green", "removed": "red", "modified": "yellow", "moved": "cyan"}


def render_summary(result: DiffResult, console: Console, lang: str) -> None:
    """Print the primary sheet's alignment, title, counts and column changes."""
    _render_sheet_summary(result, console, lang)


def render_sheet_list_changes(result: DiffResult, console: Console, lang: str) -> None:
    """Print the sheets added, removed and renamed, after every sheet's own section."""
    for name in result.sheets_added:
        console.print(translate("cli.sheet_added", lang, sheet=name), markup=False, soft_wrap=True)
    for name in result.sheets_removed:
        console.print(translate("cli.sheet_removed", lang, sheet=name), markup=False, soft_wrap=True)
    for rename in result.sheets_renamed:
        text = translate("cli.sheet_renamed", lang, old=rename.baseline, new=rename.target)
        console.print(text, markup=False, soft_wrap=True)


def _render_sheet_summary(result: DiffResult, console: Console, lang: str) -> None:
    summary = result.summary

    def say(text: str) -> None:
        # Titles and column names are user data: print them literally, not as rich markup.
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    if result.key and result.key_source == "auto":
        say(translate("cli.auto_key", lang, key=", ".join(result.key)))
    elif result.key:
        say(translate("cli.key", lang, key=", ".join(result.key)))
    else:
        say(translate("cli.content", lang))
    if summary.title_changed:
        say(translate("cli.title_changed", lang, old=result.baseline.title or "", new=result.target.title or ""))
    say(translate("cli.summary", lang, **summary.model_dump()))
    if result.columns_added or result.columns_removed:
        say(
            translate(
                "cli.columns",
                lang,
                added=", ".join(result.columns_added) or "-",
                removed=", ".join(result.columns_removed) or "-",
            )
        )
    for rename in result.columns_renamed:
        say(translate("cli.column_renamed", lang, old=rename.baseline, new=rename.target))
    if result.columns_moved:
        say(translate("cli.columns_moved", lang, columns=", ".join(result.columns_moved)))
    if not result.has_differences:
        say(translate("cli.no_differences", lang))


def render_changes(result: DiffResult, console: Console, lang: str, limit: int = 200) -> None:
    """Print the changes of the primary sheet, then a heading, summary and changes per other sheet."""
    _render_sheet_changes(result, console, lang, limit)
    for sheet in result.other_sheets:
        heading = translate("cli.sheet_pair", lang, baseline=sheet.baseline.sheet or "", target=sheet.target.sheet or "")
        console.print(Text(heading, style="bold"))
        _render_sheet_summary(sheet, console, lang)
        _render_sheet_changes(sheet, console, lang, limit)


def _render_sheet_changes(result: DiffResult, console: Console, lang: str, limit: int) -> None:
    """Print one table line per changed cell, added, removed or moved row; at most `limit` changes."""
    if not result.changes:
        return
    table = RichTable(show_lines=False)
    for key in ("kind", "baseline_row", "target_row", "column", "old", "new"):
        table.add_column(translate(f"cli.col.{key}", lang), overflow="fold")

    shown = result.changes if limit <= 0 else result.changes[:limit]
    for change in shown:
        kind = Text(translate(f"cli.kind.{change.kind}", lang), style=KIND_STYLES[change.kind])
        if change.moved and change.kind == "modified":
            kind.append(" + " + translate("cli.kind.moved", lang), style=KIND_STYLES["moved"])
        rows = (_number(change.baseline_row), _number(change.target_row))
        if change.cells:
            for cell in change.cells:
                old, new = _visible(cell.old, cell.new)
                table.add_row(kind, *rows, Text(cell.column), Text(old, style="red"), Text(new, style="green"))
        elif change.values is not None:
            text = " | ".join(value for value in change.values.values() if value)
            style = KIND_STYLES[change.kind]
            old, new = (Text(text, style=style), "") if change.kind == "removed" else ("", Text(text, style=style))
            table.add_row(kind, *rows, "", old, new)
        else:
            table.add_row(kind, *rows, "", "", "")
    console.print(table)
    if limit > 0 and len(result.changes) > limit:
        console.print(translate("cli.more", lang, count=len(result.changes) - limit))


def _number(row: int | None) -> str:
    return "" if row is None else str(row)


def _visible(old: str, new: str) -> tuple[str, str]:
    """Quote two cells that differ only in whitespace, so a terminal shows what changed."""
    if old.split() == new.split():
        return json.dumps(old, ensure_ascii=False), json.dumps(new, ensure_ascii=False)
    return old, new
