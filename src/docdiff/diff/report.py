"""Whole-sheet renderings of a diff: a highlighted XLSX workbook and daff's highlighter CSV.

Both show the target sheet row by row, with removed baseline rows placed
just after the target row of the baseline row above them, as `changes` is
ordered. Rows that no change mentions are unchanged: they pair, in order,
the baseline rows that no change mentions (the alignment keeps unchanged
rows in order), which is how these renderings find their baseline side.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime

import xlsxwriter

from docdiff.diff.load import Table
from docdiff.diff.model import DiffResult, RowChange
from docdiff.i18n import translate

# Solid fills, because online sheet editors import fills but drop comments
# and conditional formats.
FILLS = {
    "added": "#C6EFCE",
    "removed": "#FFC7CE",
    "modified": "#FFEB9C",
    "moved": "#DDEBF7",
    "header": "#D9D9D9",
}


# Cells written as numbers or dates when the spreadsheet shows them exactly
# as the text: plain and grouped numbers, percentages, and dates with `-`
# or `/`. Numbers with a leading zero (codes) or more than 15 significant
# digits (ID card and order numbers, which a double would round) stay text.
_NUMBER = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.([0-9]+))?(%?)$")
_GROUPED = re.compile(r"^-?[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.([0-9]+))?(%?)$")
_DATE = re.compile(r"^([0-9]{4})([-/])([0-9]{1,2})\2([0-9]{1,2})$")
MAX_DIGITS = 15


def typed_value(text: str) -> tuple[float | datetime, str] | None:
    """Return the number or date that a spreadsheet shows as `text`, with its number format, or None.

    `1,234.50` is 1234.5 shown as `#,##0.00`, `12.5%` is 0.125 shown as
    `0.0%`, and `2025/5/27` is that day shown as `yyyy/m/d`, so the typed
    cell reads as the text did.
    """
    date = _DATE.match(text)
    if date:
        year, separator, month, day = date.groups()
        try:
            value = datetime(int(year), int(month), int(day))
        except ValueError:
            return None
        # A leading zero on either part means the text pads both.
        padded = month.startswith("0") or day.startswith("0")
        parts = ("mm", "dd") if padded else ("m", "d")
        return value, f"yyyy{separator}{parts[0]}{separator}{parts[1]}"
    number = _NUMBER.match(text) or _GROUPED.match(text)
    if number is None:
        return None
    digits = text.replace("-", "").replace(",", "").replace(".", "").rstrip("%").lstrip("0")
    if len(digits) > MAX_DIGITS:
        return None
    decimals, percent = number.groups()
    value = float(text.replace(",", "").rstrip("%"))
    if value == 0 and text.startswith("-"):
        return None  # a spreadsheet shows -0 as 0
    number_format = "#,##0" if "," in text else "0"
    if decimals:
        number_format += "." + "0" * len(decimals)
    if percent:
        return value / 100, number_format + "%"
    return value, number_format


@dataclass
class SheetRow:
    kind: str  # added, removed, modified, moved or unchanged
    baseline: int | None  # 0-based data row index
    target: int | None
    change: RowChange | None = None


def sheet_rows(baseline: Table, target: Table, result: DiffResult) -> list[SheetRow]:
    """Return every row of both sides in display order."""
    first_b = baseline.first_data_row
    first_t = target.first_data_row
    by_target: dict[int, RowChange] = {}
    removed: list[RowChange] = []
    mentioned_b: set[int] = set()
    for change in result.changes:
        if change.baseline_row is not None:
            mentioned_b.add(change.baseline_row - first_b)
        if change.target_row is None:
            removed.append(change)
        else:
            by_target[change.target_row - first_t] = change

    unchanged_b = iter(index for index in range(baseline.height) if index not in mentioned_b)
    target_of_baseline: dict[int, int] = {}
    rows: list[SheetRow] = []
    for t in range(target.height):
        change = by_target.get(t)
        if change is None:
            b = next(unchanged_b)
            rows.append(SheetRow("unchanged", b, t))
        else:
            b = None if change.baseline_row is None else change.baseline_row - first_b
            rows.append(SheetRow(change.kind, b, t, change))
        if b is not None:
            target_of_baseline[b] = len(rows) - 1

    placed: list[tuple[float, int, SheetRow]] = [(position, 1, row) for position, row in enumerate(rows)]
    for change in removed:
        b = change.baseline_row - first_b
        above = max((index for index in target_of_baseline if index < b), default=None)
        position = -0.5 if above is None else target_of_baseline[above] + 0.5
        placed.append((position, 0, SheetRow("removed", b, None, change)))
    placed.sort(key=lambda entry: (entry[0], entry[2].baseline if entry[2].baseline is not None else -1))
    return [row for _, _, row in placed]


def output_columns(result: DiffResult) -> list[tuple[str | None, str | None]]:
    """Return (baseline name, target name) per output column: target order, then removed columns."""
    renamed = {rename.target: rename.baseline for rename in result.columns_renamed}
    baseline_names = {name for name in result.baseline.header}
    columns = []
    for name in result.target.header:
        if name in renamed:
            columns.append((renamed[name], name))
        elif name in result.columns_added:
            columns.append((None, name))
        else:
            match = next((b for b in baseline_names if _same(b, name)), name)
            columns.append((match, name))
    columns.extend((name, None) for name in result.columns_removed)
    return columns


def _same(left: str, right: str) -> bool:
    from docdiff.diff.columns import column_match_name

    return column_match_name(left) == column_match_name(right)


def _row_values(baseline: Table, target: Table, row: SheetRow, columns) -> list[str]:
    values = []
    for baseline_name, target_name in columns:
        if row.target is not None and target_name is not None:
            values.append(target.data[target_name][row.target])
        elif row.baseline is not None and baseline_name is not None:
            values.append(baseline.data[baseline_name][row.baseline])
        else:
            values.append("")
    return values


def render_xlsx(pairs: list[tuple[Table, Table]], result: DiffResult, lang: str = "zh-CN") -> bytes:
    """Build the highlighted workbook: one diff sheet per compared pair of sheets, then a summary sheet.

    `pairs` are the tables behind `result` and its `other_sheets`, in that
    order, as `diff_workbooks` returns them.
    """
    sheets = list(zip(pairs, [result, *result.other_sheets]))
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    formats = CellFormats(workbook)
    names = _diff_sheet_names([sheet_result for _, sheet_result in sheets], lang)
    for name, ((baseline, target), sheet_result) in zip(names, sheets):
        _write_diff_sheet(workbook.add_worksheet(name), formats, baseline, target, sheet_result, lang)
    _write_summary_sheet(workbook, formats, result, lang)
    workbook.close()
    return buffer.getvalue()


class CellFormats:
    """The workbook's cell formats: a solid fill per kind of change (or none), with a number format or none.

    xlsxwriter needs one format object per combination, so each is made
    the first time a cell needs it.
    """

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self.made: dict[tuple[str | None, str | None], object] = {}

    def get(self, kind: str | None = None, number_format: str | None = None, bold: bool = False):
        """Return the format for a cell of this kind of change (None: no fill), number format and weight."""
        combination = (kind, number_format, bold)
        if combination not in self.made:
            properties: dict[str, object] = {"text_wrap": True, "valign": "top", "bold": bold}
            if kind is not None:
                properties.update(bg_color=FILLS[kind], pattern=1)
            if number_format is not None:
                properties["num_format"] = number_format
            self.made[combination] = self.workbook.add_format(properties)
        return self.made[combination]

    def write(self, sheet, line: int, column: int, text: str, kind: str | None) -> None:
        """Write a cell's text as the number or date it shows, or as text."""
        typed = typed_value(text)
        if typed is None:
            sheet.write_string(line, column, text, self.get(kind))
        elif isinstance(typed[0], datetime):
            sheet.write_datetime(line, column, typed[0], self.get(kind, typed[1]))
        else:
            sheet.write_number(line, column, typed[0], self.get(kind, typed[1]))


def _diff_sheet_names(results: list[DiffResult], lang: str) -> list[str]:
    """Name one diff sheet per result: the plain label alone, or the label and the target sheet's name.

    Names obey the XLSX rules: at most 31 characters, none of `[]:*?/\\`,
    and unique regardless of case.
    """
    label = translate("report.sheet.diff", lang)
    if len(results) == 1:
        return [label]
    names: list[str] = []
    for number, sheet_result in enumerate(results, start=1):
        sheet_name = sheet_result.target.sheet or sheet_result.baseline.sheet or str(number)
        name = re.sub(r"[\[\]:*?/\\]", "_", f"{label} {sheet_name}")[:31]
        while name.casefold() in {taken.casefold() for taken in names}:
            suffix = f" {number}"
            name = name[: 31 - len(suffix)] + suffix
            number += len(results)
        names.append(name)
    return names


def _write_diff_sheet(sheet, formats: CellFormats, baseline, target, result, lang) -> None:
    columns = output_columns(result)
    labels = [
        translate("report.col.change", lang),
        translate("report.col.baseline_row", lang),
        translate("report.col.target_row", lang),
    ]
    header = labels + [target_name or baseline_name for baseline_name, target_name in columns]
    header.append(translate("report.col.old_values", lang))
    sheet.write_row(0, 0, header, formats.get("header", bold=True))
    # Added, removed, renamed and moved columns show it in their header's fill.
    renamed = {rename.baseline for rename in result.columns_renamed}
    for position, (baseline_name, target_name) in enumerate(columns, start=len(labels)):
        kind = _column_kind(baseline_name, target_name, renamed, result.columns_moved)
        if kind is not None:
            sheet.write_string(0, position, target_name or baseline_name, formats.get(kind, bold=True))
    sheet.freeze_panes(1, 3)

    for line, row in enumerate(sheet_rows(baseline, target, result), start=1):
        values = _row_values(baseline, target, row, columns)
        row_kind = None if row.kind == "unchanged" else row.kind
        changed = {cell.column: cell for cell in row.change.cells} if row.change else {}
        label = translate(f"cli.kind.{row.kind}", lang) if row_kind else ""
        if row.change is not None and row.change.moved and row.kind == "modified":
            label += " + " + translate("cli.kind.moved", lang)
        sheet.write_string(line, 0, label, formats.get(row_kind))
        _write_number(sheet, line, 1, None if row.baseline is None else baseline.row_number(row.baseline), formats)
        _write_number(sheet, line, 2, None if row.target is None else target.row_number(row.target), formats)
        for position, ((baseline_name, _), value) in enumerate(zip(columns, values), start=3):
            if row.kind != "modified":
                cell_kind = row_kind
            elif baseline_name in changed:
                cell_kind = "modified"
            else:
                # A row that also moved keeps the moved fill outside its changed cells.
                cell_kind = "moved" if row.change.moved else None
            formats.write(sheet, line, position, value, cell_kind)
        old_values = "\n".join(f"{cell.column}: {cell.old}" for cell in changed.values())
        sheet.write_string(line, len(header) - 1, old_values, formats.get())

    sheet.set_column(0, 2, 10)
    sheet.set_column(3, len(header) - 1, 18)


def _column_kind(baseline_name: str | None, target_name: str | None, renamed: set[str], moved: list[str]) -> str | None:
    """Return the change of one output column as a fill kind, or None for a column that stayed as it was."""
    if baseline_name is None:
        return "added"
    if target_name is None:
        return "removed"
    if baseline_name in renamed:
        return "modified"
    if baseline_name in moved:
        return "moved"
    return None


def _write_number(sheet, line: int, column: int, value: int | None, formats: CellFormats) -> None:
    if value is None:
        sheet.write_blank(line, column, None, formats.get())
    else:
        sheet.write_number(line, column, value, formats.get())


def _summary_lines(result: DiffResult, lang: str) -> list[tuple[str, object]]:
    """Return the summary sheet's (label, value) lines: sources, key, title, counts, columns."""
    summary = result.summary
    lines: list[tuple[str, object]] = [
        (translate("report.baseline", lang), result.baseline.source),
        (translate("report.target", lang), result.target.source),
        (translate("report.alignment", lang), ", ".join(result.key) or translate("cli.content", lang)),
    ]
    if summary.title_changed:
        lines.append((translate("report.title", lang), f"{result.baseline.title or ''} → {result.target.title or ''}"))
    for field, value in summary.model_dump().items():
        if field != "title_changed":
            lines.append((translate(f"report.count.{field}", lang), value))
    lines.append((translate("report.columns_added", lang), ", ".join(result.columns_added)))
    lines.append((translate("report.columns_removed", lang), ", ".join(result.columns_removed)))
    lines.append(
        (
            translate("report.columns_renamed", lang),
            ", ".join(f"{r.baseline} → {r.target}" for r in result.columns_renamed),
        )
    )
    lines.append((translate("report.columns_moved", lang), ", ".join(result.columns_moved)))
    return lines


def _workbook_summary_lines(result: DiffResult, lang: str) -> list[tuple[str, object]]:
    """Return the summary lines of every compared sheet, each block under its sheet name when there are several."""
    several = bool(result.other_sheets)
    lines: list[tuple[str, object]] = []
    for sheet_result in [result, *result.other_sheets]:
        if several:
            names = [sheet_result.baseline.sheet or "", sheet_result.target.sheet or ""]
            lines.append((translate("report.sheet", lang), names[0] if names[0] == names[1] else " → ".join(names)))
        lines.extend(_summary_lines(sheet_result, lang))
        if several:
            lines.append(("", ""))
    if result.sheets_added:
        lines.append((translate("report.sheets_added", lang), ", ".join(result.sheets_added)))
    if result.sheets_removed:
        lines.append((translate("report.sheets_removed", lang), ", ".join(result.sheets_removed)))
    if result.sheets_renamed:
        renames = ", ".join(f"{rename.baseline} → {rename.target}" for rename in result.sheets_renamed)
        lines.append((translate("report.sheets_renamed", lang), renames))
    return lines


def _write_summary_sheet(workbook, formats: CellFormats, result: DiffResult, lang: str) -> None:
    sheet = workbook.add_worksheet(translate("report.sheet.summary", lang))
    lines = _workbook_summary_lines(result, lang)
    for line, (label, value) in enumerate(lines):
        if not label:
            continue
        sheet.write_string(line, 0, label, formats.get("header", bold=True))
        if isinstance(value, int):
            sheet.write_number(line, 1, value)
        else:
            sheet.write_string(line, 1, str(value))

    legend = len(lines) + 1
    for offset, kind in enumerate(("added", "removed", "modified", "moved")):
        sheet.write_string(legend + offset, 0, translate(f"cli.kind.{kind}", lang), formats.get(kind))
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 60)


def render_daff_csv(baseline: Table, target: Table, result: DiffResult) -> str:
    """Write the diff in daff's highlighter format: an action column, then the cells.

    Actions: `!` is the schema row, with `+++` added, `---` removed, `:`
    moved and `(old name)` renamed columns. `@@` is the header. Rows are
    `+++` added, `---` removed, `->` modified (changed cells as
    `old->new`), `:` moved, `+` unchanged but with values in added columns,
    and an empty action for other unchanged rows. Every
    row is written: daff's patch places each change by the rows around it,
    and it misplaces changes next to a moved row when unchanged rows are
    left out as `...`.
    """
    columns = output_columns(result)
    renamed = {rename.baseline for rename in result.columns_renamed}
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")

    schema = []
    for baseline_name, target_name in columns:
        if baseline_name is None:
            schema.append("+++")
        elif target_name is None:
            schema.append("---")
        elif baseline_name in renamed:
            schema.append(f"({baseline_name})")
        elif baseline_name in result.columns_moved:
            schema.append(":")
        else:
            schema.append("")
    if any(schema):
        writer.writerow(["!", *schema])
    writer.writerow(["@@", *[target_name or baseline_name for baseline_name, target_name in columns]])
    for row in sheet_rows(baseline, target, result):
        writer.writerow(_daff_row(baseline, target, row, columns))
    return output.getvalue()


def _daff_row(baseline: Table, target: Table, row: SheetRow, columns) -> list[str]:
    values = _row_values(baseline, target, row, columns)
    if row.kind == "added":
        return ["+++", *values]
    if row.kind == "removed":
        return ["---", *values]
    if row.kind == "moved":
        return [":", *values]
    if row.kind == "unchanged":
        # daff marks a row `+` when it gains values in added columns; its patch
        # fills those cells only on rows so marked.
        gains = any(value and baseline_name is None for (baseline_name, _), value in zip(columns, values))
        return ["+" if gains else "", *values]

    changed = {cell.column: cell for cell in row.change.cells}
    arrow = "->"
    while any(arrow in cell.old or arrow in cell.new for cell in changed.values()):
        arrow = "-" + arrow
    cells = []
    for (baseline_name, _), value in zip(columns, values):
        cell = changed.get(baseline_name)
        cells.append(f"{cell.old}{arrow}{cell.new}" if cell else value)
    return [arrow, *cells]
