"""The whole-sheet reports: daff's highlighter CSV and the highlighted XLSX workbook."""

import io
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from docdiff.diff import CompareOptions, diff_tables, load_table
from docdiff.diff.report import FILLS, render_daff_csv, render_xlsx, sheet_rows, typed_value
from tests.servers import DOCUMENTS

BASE = "id,name,city\n1,Ann,Paris\n2,Bob,Rome\n3,Cid,Oslo\n4,Dee,Kyiv\n5,Eve,Lima\n"
TARGET = "id,name,city\n1,Ann,Paris\n2,Bob,Milan\n9,New,Bern\n3,Cid,Oslo\n5,Eve,Lima\n"


def table(text: str):
    return load_table(text.encode("utf-8"), "t.csv")


def daff_patch(tmp_path: Path, baseline_text: str, patch_text: str) -> str:
    """Apply `patch_text` to `baseline_text` with daff's own command, as a daff user would."""
    (tmp_path / "baseline.csv").write_text(baseline_text, encoding="utf-8")
    (tmp_path / "diff.csv").write_text(patch_text, encoding="utf-8")
    daff_command = Path(sys.executable).with_name("daff")
    subprocess.run(
        [daff_command, "patch", "--output", tmp_path / "patched.csv", tmp_path / "baseline.csv", tmp_path / "diff.csv"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return (tmp_path / "patched.csv").read_text(encoding="utf-8")


PATCH_CASES = {
    "edit, insert, delete": (BASE, TARGET, CompareOptions()),
    "move next to an edit": (
        "部门,任务,状态\n研发,A,进行中\n研发,B,完成\n测试,C,进行中\n测试,D,未开始\n运营,E,完成\n",
        "部门,任务,状态\n研发,A,进行中\n研发,X,新建\n研发,B,完成\n测试,D,进行中\n运营,E,完成\n测试,C,进行中\n",
        CompareOptions(),
    ),
    "added and removed columns": (
        "id,name,zip\n1,Ann,75\n2,Bob,00\n3,Cid,11\n4,Dee,22\n",
        "id,name,city\n1,Ann,Paris\n2,Bobby,\n3,Cid,Oslo\n9,New,Bern\n",
        CompareOptions(),
    ),
    "move with an added column": (
        "id,name\n1,Ann\n2,Bob\n3,Cid\n4,Dee\n5,Eve\n",
        "id,name,city\n1,Ann,Paris\n3,Cid,Oslo\n4,Dee,Kyiv\n5,Eve,Lima\n2,Bob,Rome\n",
        CompareOptions(),
    ),
    "keyed, moves at both ends": (
        "id,v\n1,a\n2,b\n3,c\n4,d\n5,e\n6,f\n",
        "id,v\n6,f\n2,b\n3,C\n4,d\n5,e\n1,a\n",
        CompareOptions(key=["id"]),
    ),
}


@pytest.mark.parametrize("case", PATCH_CASES)
def test_daff_patch_of_our_diff_rebuilds_target(tmp_path, case):
    baseline_text, target_text, options = PATCH_CASES[case]
    baseline, target = table(baseline_text), table(target_text)
    text = render_daff_csv(baseline, target, diff_tables(baseline, target, options))
    assert daff_patch(tmp_path, baseline_text, text) == target_text


def test_daff_rows_use_daff_actions():
    baseline, target = table(BASE), table(TARGET)
    lines = render_daff_csv(baseline, target, diff_tables(baseline, target)).splitlines()
    assert lines[0] == "@@,id,name,city"
    assert "->,2,Bob,Rome->Milan" in lines
    assert "+++,9,New,Bern" in lines
    assert "---,4,Dee,Kyiv" in lines
    assert lines[1] == ",1,Ann,Paris"
    assert len(lines) == 1 + 6


def test_daff_arrow_avoids_values_containing_arrow():
    baseline = table("k,v\na,x->y\n")
    target = table("k,v\na,z\n")
    text = render_daff_csv(baseline, target, diff_tables(baseline, target, CompareOptions(key=["k"])))
    assert "-->,a,x->y-->z" in text.splitlines()


def test_daff_schema_row_for_column_changes():
    baseline = table("id,name,city,phone\n1,Ann,Paris,1\n2,Bob,Rome,2\n")
    target = table("id,name,town,zip\n1,Ann,Paris,75\n2,Bob,Rome,00\n")
    text = render_daff_csv(baseline, target, diff_tables(baseline, target))
    assert text.splitlines()[0] == "!,,,(city),+++,---"
    assert text.splitlines()[1] == "@@,id,name,town,zip,phone"


def test_sheet_rows_cover_both_sides_once():
    baseline = load_table((DOCUMENTS / "sp500-2024" / "baseline.csv").read_bytes(), "b.csv")
    target = load_table((DOCUMENTS / "sp500-2024" / "target.csv").read_bytes(), "t.csv")
    rows = sheet_rows(baseline, target, diff_tables(baseline, target))
    assert sorted(row.target for row in rows if row.target is not None) == list(range(target.height))
    assert sorted(row.baseline for row in rows if row.baseline is not None) == list(range(baseline.height))


def test_xlsx_report_fills_and_old_values():
    baseline, target = table(BASE), table(TARGET)
    content = render_xlsx([(baseline, target)], diff_tables(baseline, target), "en")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Diff", "Summary"]
    sheet = workbook["Diff"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Change", "Baseline row", "Target row", "id", "name", "city", "Old values")
    assert len(rows) == 1 + 6

    def fill(row: int, column: int) -> str:
        return "#" + sheet.cell(row, column).fill.fgColor.rgb[-6:]

    modified = next(index for index, row in enumerate(rows, start=1) if row[0] == "modified")
    assert rows[modified - 1][6] == "city: Rome"
    assert fill(modified, 6) == FILLS["modified"]
    assert sheet.cell(modified, 5).fill.fill_type is None
    added = next(index for index, row in enumerate(rows, start=1) if row[0] == "added")
    assert fill(added, 4) == FILLS["added"]
    removed = next(index for index, row in enumerate(rows, start=1) if row[0] == "removed")
    assert rows[removed - 1][1:3] == (5, None)
    assert fill(removed, 5) == FILLS["removed"]


def test_xlsx_modified_and_moved_row_keeps_moved_fill():
    baseline = table("id,name,city\n1,Ann,Paris\n2,Bob,Rome\n3,Cid,Oslo\n")
    target = table("id,name,city\n2,Bob,Rome\n3,Cid,Oslo\n1,Ann,Lyon\n")
    content = render_xlsx([(baseline, target)], diff_tables(baseline, target, CompareOptions(key=["id"])), "en")
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Diff"]
    rows = list(sheet.iter_rows(values_only=True))
    line = next(index for index, row in enumerate(rows, start=1) if row[0] == "modified + moved")

    def fill(column: int) -> str:
        return "#" + sheet.cell(line, column).fill.fgColor.rgb[-6:]

    assert fill(6) == FILLS["modified"]
    assert fill(4) == FILLS["moved"]
    assert fill(5) == FILLS["moved"]


def test_xlsx_types_numbers_and_dates():
    header = "id,code,amount,share,due,iso,card,bad_date,note"
    row = "1,007,\"1,234.50\",12.5%,2025/5/27,2025-05-07,110101199003071234,2025/2/30,-3.5"
    baseline = table(f"{header}\n{row}\n")
    target = table(f"{header}\n{row.replace('-3.5', '-4')}\n")
    content = render_xlsx([(baseline, target)], diff_tables(baseline, target), "en")
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Diff"]
    cells = {sheet.cell(1, column).value: sheet.cell(2, column) for column in range(4, 13)}
    assert cells["id"].value == 1
    assert cells["id"].number_format == "0"
    assert cells["code"].value == "007"
    assert cells["amount"].value == 1234.5
    assert cells["amount"].number_format == "#,##0.00"
    assert cells["share"].value == 0.125
    assert cells["share"].number_format == "0.0%"
    assert cells["due"].value == datetime(2025, 5, 27)
    assert cells["due"].number_format == "yyyy/m/d"
    assert cells["iso"].value == datetime(2025, 5, 7)
    assert cells["iso"].number_format == "yyyy-mm-dd"
    assert cells["card"].value == "110101199003071234"
    assert cells["bad_date"].value == "2025/2/30"
    assert cells["note"].value == -4
    assert cells["note"].number_format == "0"
    assert "#" + cells["note"].fill.fgColor.rgb[-6:] == FILLS["modified"]
    assert sheet.cell(2, 13).value == "note: -3.5"


def test_typed_value_keeps_ambiguous_text():
    assert typed_value("12") == (12.0, "0")
    assert typed_value("-0.50") == (-0.5, "0.00")
    assert typed_value("90%") == (0.9, "0%")
    assert typed_value("1,000") == (1000.0, "#,##0")
    for text in ("", "007", "1,00", "+5", "1e5", "12.", "¥100", "2025/13/1", "2025-5/1", "1234567890123456", "abc",
                 "-0", "-0.00"):
        assert typed_value(text) is None, text


def test_xlsx_summary_sheet_in_chinese():
    baseline = table(BASE)
    target = table(BASE.replace("id,name,city", "id,name,town").replace("Rome", "Milan") + "6,Fay,Bonn\n")
    content = render_xlsx([(baseline, target)], diff_tables(baseline, target), "zh-CN")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["差异", "摘要"]
    summary = {row[0]: row[1] for row in workbook["摘要"].iter_rows(values_only=True) if row[0]}
    assert summary["新增行"] == 1
    assert summary["删除行"] == 0
    assert summary["修改行"] == 1
    assert summary["改名列"] == "city → town"
    header = next(workbook["差异"].iter_rows(values_only=True))
    assert header[:3] == ("变化", "基线行", "目标行")
    assert "town" in header


def test_xlsx_header_fills_column_changes():
    baseline = table("id,name,city,phone\n1,Ann,Paris,1\n2,Bob,Rome,2\n")
    target = table("id,town,name,zip\n1,Paris,Ann,75\n2,Rome,Bob,00\n")
    result = diff_tables(baseline, target)
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx([(baseline, target)], result, "en")))["Diff"]
    fills = {sheet.cell(1, column).value: "#" + sheet.cell(1, column).fill.fgColor.rgb[-6:] for column in range(1, 9)}
    assert fills["town"] == FILLS["modified"]
    assert fills["zip"] == FILLS["added"]
    assert fills["phone"] == FILLS["removed"]
    assert fills["id"] == FILLS["header"]
    assert sheet.cell(1, 4).font.bold


def test_xlsx_report_diff_sheet_per_sheet():
    from docdiff.diff import diff_workbooks, load_sheets
    from tests.test_compare import PEOPLE, PLAN, workbook

    baseline = load_sheets(workbook({"计划": PLAN, "人员": PEOPLE, "旧表": PLAN}), "b.xlsx")
    target = load_sheets(workbook({"人员": [*PEOPLE, ["孙", "运营", "广州"]], "计划": PLAN}), "t.xlsx")
    result, pairs = diff_workbooks(baseline, target)
    report = openpyxl.load_workbook(io.BytesIO(render_xlsx(pairs, result, "en")))
    assert report.sheetnames == ["Diff 计划", "Diff 人员", "Summary"]
    people = list(report["Diff 人员"].iter_rows(values_only=True))
    assert people[0][3:6] == ("姓名", "部门", "城市")
    assert people[-1][:6] == ("added", None, 4, "孙", "运营", "广州")
    assert "#" + report["Diff 人员"].cell(len(people), 4).fill.fgColor.rgb[-6:] == FILLS["added"]
    summary = [row[:2] for row in report["Summary"].iter_rows(values_only=True) if row[0]]
    assert [value for label, value in summary if label == "Sheet"] == ["计划", "人员"]
    assert [value for label, value in summary if label == "Rows added"] == [0, 1]
    assert ("Sheets removed", "旧表") in summary
