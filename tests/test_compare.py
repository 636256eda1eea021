"""Row and column alignment and cell comparison, on small tables and the real ones."""

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docdiff.diff import CompareOptions, compare_tables, diff_tables, load_table
from docdiff.diff.align import longest_increasing_mask
from docdiff.diff.normalize import value_frame
from docdiff.errors import InvalidRequest
from tests.servers import DOCUMENTS


def table(text: str, name: str = "t.csv"):
    return load_table(text.encode("utf-8"), name)


def real(path: str):
    return load_table((DOCUMENTS / path).read_bytes(), path)


BASE = "id,name,city\n1,Ann,Paris\n2,Bob,Rome\n3,Cid,Oslo\n4,Dee,Kyiv\n5,Eve,Lima\n"
# Rows aligned by content only: the `id` column would otherwise be found as a key.
CONTENT = CompareOptions(auto_key=False)


def kinds(result):
    return [(change.kind, change.baseline_row, change.target_row) for change in result.changes]


def test_equal_tables_report_nothing():
    result = diff_tables(table(BASE), table(BASE))
    assert result.changes == []
    assert not result.summary.has_differences
    assert result.summary.rows_unchanged == 5


def test_inserted_row_shifts_nothing():
    target = BASE.replace("3,Cid,Oslo\n", "3,Cid,Oslo\n9,New,Bern\n")
    result = diff_tables(table(BASE), table(target), CONTENT)
    assert kinds(result) == [("added", None, 5)]
    assert result.changes[0].values == {"id": "9", "name": "New", "city": "Bern"}
    assert result.summary.rows_unchanged == 5


def test_deleted_row_shifts_nothing():
    target = BASE.replace("2,Bob,Rome\n", "")
    result = diff_tables(table(BASE), table(target), CONTENT)
    assert kinds(result) == [("removed", 3, None)]
    assert result.summary.rows_removed == 1
    assert result.summary.cells_modified == 0


def test_moved_row_is_a_move_not_a_change():
    target = "id,name,city\n1,Ann,Paris\n3,Cid,Oslo\n4,Dee,Kyiv\n2,Bob,Rome\n5,Eve,Lima\n"
    result = diff_tables(table(BASE), table(target), CONTENT)
    assert kinds(result) == [("moved", 3, 5)]
    assert result.summary.rows_moved == 1
    assert result.summary.rows_modified == 0


def test_modified_cell_has_addresses_and_values():
    target = BASE.replace("2,Bob,Rome", "2,Bob,Milan")
    result = diff_tables(table(BASE), table(target), CONTENT)
    assert kinds(result) == [("modified", 3, 3)]
    cell = result.changes[0].cells[0]
    assert (cell.column, cell.baseline_cell, cell.target_cell, cell.old, cell.new) == ("city", "C3", "C3", "Rome", "Milan")
    assert result.changes[0].similarity == pytest.approx(2 / 3, abs=1e-3)


def test_modified_row_after_insert_has_shifted_target_address():
    target = BASE.replace("1,Ann,Paris\n", "1,Ann,Paris\n0,Zed,Riga\n").replace("4,Dee,Kyiv", "4,Dee,Kiev")
    result = diff_tables(table(BASE), table(target), CONTENT)
    assert kinds(result) == [("added", None, 3), ("modified", 5, 6)]
    assert result.changes[1].cells[0].target_cell == "C6"


def test_modified_and_moved_row():
    target = "id,name,city\n1,Ann,Paris\n3,Cid,Oslo\n4,Dee,Kyiv\n5,Eve,Lima\n2,Bob,Milan\n"
    result = diff_tables(table(BASE), table(target), CONTENT)
    assert kinds(result) == [("modified", 3, 6)]
    assert result.changes[0].moved is True
    assert result.summary.rows_moved == 1


def test_dissimilar_rows_are_removed_and_added():
    target = BASE.replace("3,Cid,Oslo", "7,Zoe,Bonn")
    result = diff_tables(table(BASE), table(target), CONTENT)
    assert sorted(change.kind for change in result.changes) == ["added", "removed"]


def test_duplicated_row_is_one_added_row():
    target = BASE.replace("2,Bob,Rome\n", "2,Bob,Rome\n2,Bob,Rome\n")
    result = diff_tables(table(BASE), table(target), CONTENT)
    assert kinds(result) == [("added", None, 4)]


def test_key_alignment_with_duplicate_keys():
    baseline = table("k,v\na,1\na,2\nb,3\n")
    target = table("k,v\nb,3\na,1\na,5\n")
    result = diff_tables(baseline, target, CompareOptions(key=["k"]))
    assert result.key == ["k"]
    assert result.alignment == "key"
    modified = [change for change in result.changes if change.kind == "modified"]
    assert [(c.old, c.new) for change in modified for c in change.cells] == [("2", "5")]


def test_unknown_key_column_is_invalid_request():
    with pytest.raises(InvalidRequest) as caught:
        diff_tables(table(BASE), table(BASE), CompareOptions(key=["nope"]))
    assert "nope" in caught.value.message("en")
    assert "id, name, city" in caught.value.message("en")


@pytest.mark.parametrize("options, english, chinese", [
    (CompareOptions(key=[" "]), "A key column name is empty", "键列名为空"),
    (CompareOptions(ignore_columns=[""]), "An ignored column name is empty", "要忽略的列名为空"),
])
def test_empty_column_name_is_invalid_request(options, english, chinese):
    with pytest.raises(InvalidRequest) as caught:
        diff_tables(table(BASE), table(BASE), options)
    assert caught.value.message("en").startswith(english)
    assert caught.value.message("zh-CN").startswith(chinese)
    assert "id, name, city" in caught.value.message("en")


def test_added_removed_and_reordered_columns():
    target = "city,id,name,zip\nParis,1,Ann,75\nRome,2,Bob,00\nOslo,3,Cid,01\nKyiv,4,Dee,02\nLima,5,Eve,15\n"
    baseline = BASE.replace("id,name,city", "id,name,city,phone").replace("\n1,Ann,Paris", "\n1,Ann,Paris,x")
    result = diff_tables(table(baseline), table(target))
    assert result.columns_added == ["zip"]
    assert result.columns_removed == ["phone"]
    assert result.summary.cells_modified == 0
    assert result.summary.rows_modified == 0


def test_column_match_ignores_whitespace_and_case():
    result = diff_tables(table("Full Name,Age\nA,1\n"), table("full  name,AGE\nA,1\n"))
    assert result.columns_added == result.columns_removed == []
    assert result.changes == []


def test_whitespace_and_case_options():
    baseline = table("k,v\n1,Hello\n")
    target = table("k,v\n1, hello \n")
    assert diff_tables(baseline, target, CompareOptions(key=["k"])).summary.cells_modified == 1
    assert diff_tables(baseline, target, CompareOptions(key=["k"], ignore_case=True)).summary.cells_modified == 0
    strict = CompareOptions(key=["k"], ignore_case=True, trim_whitespace=False)
    assert diff_tables(baseline, target, strict).summary.cells_modified == 1


def test_ignored_column_is_not_compared():
    target = BASE.replace("Rome", "Milan")
    result = diff_tables(table(BASE), table(target), CompareOptions(ignore_columns=["city"]))
    assert result.changes == []


def test_sp500_keyed_counts():
    result = diff_tables(real("sp500-2024/baseline.csv"), real("sp500-2024/target.csv"), CompareOptions(key=["Symbol"]))
    summary = result.summary
    assert (summary.rows_added, summary.rows_removed) == (16, 16)
    assert (summary.rows_modified, summary.cells_modified) == (48, 53)
    bxp = next(c for change in result.changes for c in change.cells if c.old == "Boston Properties")
    assert bxp.new == "BXP, Inc."


def test_sp500_without_key_matches_keyed_diff():
    baseline, target = real("sp500-2024/baseline.csv"), real("sp500-2024/target.csv")
    keyed = diff_tables(baseline, target, CompareOptions(key=["Symbol"]))
    content = diff_tables(baseline, target, CONTENT)
    assert content.alignment == "content"

    def symbols(result, kind):
        return {change.values["Symbol"] for change in result.changes if change.kind == kind}

    ticker_changes = {"FLT", "PEAK"}
    assert symbols(content, "removed") | ticker_changes == symbols(keyed, "removed")
    assert {"CPAY", "DOC"} | symbols(content, "added") == symbols(keyed, "added")

    def cells(result):
        return {
            (change.baseline_row, change.target_row, cell.column, cell.old, cell.new)
            for change in result.changes
            for cell in change.cells
        }

    renamed_rows = {
        change.baseline_row
        for change in content.changes
        for cell in change.cells
        if cell.column == "Symbol"
    }
    assert len(renamed_rows) == 2
    content_cells = {cell for cell in cells(content) if cell[0] not in renamed_rows}
    assert content_cells == cells(keyed)
    assert len(content_cells) == 53
    assert len({cell[0] for cell in content_cells}) == 48


def test_sp500_finds_symbol_as_key():
    result = diff_tables(real("sp500-2024/baseline.csv"), real("sp500-2024/target.csv"))
    assert result.key == ["Symbol"]
    assert result.key_source == "auto"
    assert result.summary.cells_modified >= 53


def test_sp500_moved_rows_are_moves():
    result = diff_tables(real("sp500-2024/baseline.csv"), real("sp500-2024/target.csv"))
    moved = [change for change in result.changes if change.moved]
    assert moved
    assert all(change.kind in ("moved", "modified") for change in moved)
    assert result.summary.rows_unchanged > 400


def test_retitled_plan_reports_only_the_title():
    result = diff_tables(real("tencent-plan-xhs/baseline.csv"), real("tencent-plan-xhs/target-retitled.csv"))
    assert result.summary.title_changed is True
    assert result.changes == []
    assert result.target.title == "2025年项目计划与安排表_123123（07月）"


def test_star_ratings_equal_digits_by_default():
    result = diff_tables(real("tencent-plan-xhs/baseline.csv"), real("tencent-plan-xhs/target-stars.csv"))
    cells = [cell for change in result.changes for cell in change.cells]
    assert [(cell.column, cell.target_cell, cell.old, cell.new) for cell in cells] == [
        ("预计完成时间", "M20", "2025/8/1", "2025/8/24")
    ]
    assert result.summary.title_changed is True


def test_star_ratings_as_text_are_changes():
    options = CompareOptions(stars_by_value=False)
    result = diff_tables(real("tencent-plan-xhs/baseline.csv"), real("tencent-plan-xhs/target-stars.csv"), options)
    rating_changes = [c for change in result.changes for c in change.cells if c.column == "重要程度"]
    assert len(rating_changes) == 92
    assert result.summary.rows_added == result.summary.rows_removed == 0


rows = st.lists(
    st.tuples(st.integers(0, 30), st.sampled_from(["a", "b", "c", "", "x y"]), st.text("abc,\"\n", max_size=4)),
    min_size=0,
    max_size=25,
)


def csv_text(records) -> str:
    lines = ["n,label,note"]
    for number, label, note in records:
        escaped = '"' + note.replace('"', '""') + '"'
        lines.append(f"{number},{label},{escaped}")
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None)
@given(rows)
def test_table_diffed_with_itself_reports_nothing(records):
    text = csv_text(records)
    result = diff_tables(table(text), table(text))
    assert result.changes == []
    assert not result.summary.has_differences


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=30, unique=True), st.data())
def test_inserted_rows_are_exactly_the_added_rows(numbers, data):
    kept = data.draw(st.lists(st.sampled_from(numbers), unique=True))
    baseline = "n,twice\n" + "".join(f"{n},{2 * n}\n" for n in numbers if n in kept)
    target = "n,twice\n" + "".join(f"{n},{2 * n}\n" for n in numbers)
    result = diff_tables(table(baseline), table(target))
    added = sorted(int(change.values["n"]) for change in result.changes if change.kind == "added")
    assert added == sorted(set(numbers) - set(kept))
    assert result.summary.rows_removed == result.summary.rows_modified == result.summary.rows_moved == 0


def test_auto_key_pairs_edited_key_as_modified():
    baseline = "id,team\n1,a\n2,a\n3,b\n4,b\n5,c\n"
    result = diff_tables(table(baseline), table(baseline.replace("3,b", "33,b")))
    assert result.key == ["id"]
    assert kinds(result) == [("modified", 4, 4)]
    assert result.changes[0].cells[0].new == "33"


PLAN_ROWS = [("市场调研", "张三", "进行中"), ("品牌升级", "李四", "完成"), ("渠道拓展", "王五", "未开始"),
             ("数据看板", "赵六", "进行中"), ("预算编制", "钱七", "完成"), ("CRM清洗", "孙八", "进行中")]


def numbered(rows) -> str:
    """Write a plan whose 序号 column numbers the rows from 1, as users renumber it."""
    return "序号,项目名称,负责人,状态\n" + "".join(f"{i},{','.join(row)}\n" for i, row in enumerate(rows, 1))


@pytest.mark.parametrize("target_rows, added, removed, moved, renumbered", [
    ([PLAN_ROWS[0], ("新项目", "周九", "未开始"), *PLAN_ROWS[1:]], 1, 0, 0, 5),
    ([*PLAN_ROWS[:2], *PLAN_ROWS[3:]], 0, 1, 0, 3),
    ([PLAN_ROWS[0], *PLAN_ROWS[2:], PLAN_ROWS[1]], 0, 0, 1, 5),
])
def test_renumbered_row_numbers_are_not_the_key(target_rows, added, removed, moved, renumbered):
    result = diff_tables(table(numbered(PLAN_ROWS)), table(numbered(target_rows)))
    assert result.key != ["序号"]
    assert (result.summary.rows_added, result.summary.rows_removed) == (added, removed)
    assert result.summary.rows_moved == moved
    # Only the row numbers changed in the rows that kept their content.
    assert result.summary.cells_modified == renumbered
    assert {cell.column for change in result.changes for cell in change.cells} == {"序号"}


def test_renumbered_rows_with_repeated_names():
    # Names and owners repeat, so only 序号, alone or in a pair, is unique.
    rows = [
        ("接口开发", "王芳", "已完成", "80%"), ("上线准备", "张伟", "未开始", "0%"), ("上线准备", "李娜", "未开始", "20%"),
        ("接口开发", "刘洋", "未开始", "80%"), ("上线准备", "刘洋", "未开始", "20%"), ("接口开发", "王芳", "未开始", "60%"),
        ("需求评审", "张伟", "进行中", "80%"), ("需求评审", "李娜", "进行中", "40%"), ("上线准备", "刘洋", "未开始", "60%"),
        ("上线准备", "刘洋", "进行中", "40%"), ("需求评审", "张伟", "进行中", "60%"), ("接口开发", "李娜", "未开始", "60%"),
    ]
    # The first three rows move below the next six, and 序号 is renumbered.
    target_rows = [*rows[3:9], *rows[:3], *rows[9:]]
    header = "序号,项目名称,负责人,状态,进度\n"

    def text(plan) -> str:
        return header + "".join(f"{i},{','.join(row)}\n" for i, row in enumerate(plan, 1))

    result = diff_tables(table(text(rows)), table(text(target_rows)))
    assert "序号" not in result.key
    assert result.summary.rows_added == 0
    assert result.summary.rows_removed == 0
    assert result.summary.rows_moved == 3
    assert {cell.column for change in result.changes for cell in change.cells} == {"序号"}


def test_row_numbers_that_stay_are_the_key():
    target_rows = [*PLAN_ROWS[:5], ("CRM清洗", "孙八", "完成")]
    result = diff_tables(table(numbered(PLAN_ROWS)), table(numbered(target_rows)))
    assert result.key == ["序号"]
    assert kinds(result) == [("modified", 7, 7)]


def test_user_key_edit_is_removed_and_added():
    target = BASE.replace("3,Cid,Oslo", "33,Cid,Oslo")
    result = diff_tables(table(BASE), table(target), CompareOptions(key=["id"]))
    assert result.key_source == "user"
    assert sorted(change.kind for change in result.changes) == ["added", "removed"]


def test_no_auto_key_for_long_text_or_duplicates():
    text = "note,group\n" + "".join(f"{'long description ' * 4}{i},g{i % 2}\n" for i in range(5))
    result = diff_tables(table(text), table(text))
    assert result.key == []
    assert result.alignment == "content"


def test_auto_key_uses_column_pair():
    text = "year,month,value\n2024,1,a\n2024,2,a\n2025,1,b\n2025,2,b\n"
    target = text.replace("2025,1,b", "2025,1,x")
    result = diff_tables(table(text), table(target))
    assert result.key == ["year", "month"]
    assert kinds(result) == [("modified", 4, 4)]


def test_renamed_column_by_content():
    target = BASE.replace("id,name,city", "id,name,town").replace("Rome", "Milan")
    result = diff_tables(table(BASE), table(target))
    assert [(rename.baseline, rename.target) for rename in result.columns_renamed] == [("city", "town")]
    assert result.columns_added == result.columns_removed == []
    cells = [cell for change in result.changes for cell in change.cells]
    assert [(cell.column, cell.old, cell.new) for cell in cells] == [("city", "Rome", "Milan")]


def test_unrelated_new_column_is_not_a_rename():
    target = "id,name,zip\n1,Ann,75\n2,Bob,00\n3,Cid,01\n4,Dee,02\n5,Eve,15\n"
    result = diff_tables(table(BASE), table(target))
    assert result.columns_renamed == []
    assert result.columns_added == ["zip"]
    assert result.columns_removed == ["city"]


def test_moved_column_reported_without_cell_changes():
    target = "city,id,name\nParis,1,Ann\nRome,2,Bob\nOslo,3,Cid\nKyiv,4,Dee\nLima,5,Eve\n"
    result = diff_tables(table(BASE), table(target))
    assert result.columns_moved == ["city"]
    assert result.summary.cells_modified == 0
    assert result.summary.has_differences


@pytest.mark.parametrize(
    "old, new, option",
    [
        ("1,000", "1000", "numbers_by_value"),
        ("90%", "0.9", "numbers_by_value"),
        ("2025/5/27", "2025-05-27", "dates_by_value"),
        ("2025年5月27日", "2025/5/27", "dates_by_value"),
        ("3", "★★★☆☆", "stars_by_value"),
        ("¥1,200", "1200", "numbers_by_value"),
        ("￥1,200", "¥1200", "numbers_by_value"),
        ("-0", "0", "numbers_by_value"),
    ],
)
def test_values_equal_by_value_unless_disabled(old, new, option):
    baseline = table(f"k,v\na,\"{old}\"\n")
    target = table(f"k,v\na,\"{new}\"\n")
    assert diff_tables(baseline, target, CompareOptions(key=["k"])).changes == []
    strict = CompareOptions(key=["k"], **{option: False})
    assert diff_tables(baseline, target, strict).summary.cells_modified == 1


@pytest.mark.parametrize("old, new", [
    ("$100", "€100"),
    ("¥100", "$100"),
    ("-¥5", "-$5"),
    ("007", "7"),
    ("00123", "123"),
])
def test_number_rule_keeps_real_changes(old, new):
    # Different currency signs, and codes whose leading zeros changed, are changes.
    baseline = table(f"k,v\na,\"{old}\"\n")
    target = table(f"k,v\na,\"{new}\"\n")
    result = diff_tables(baseline, target, CompareOptions(key=["k"]))
    assert [(cell.old, cell.new) for change in result.changes for cell in change.cells] == [(old, new)]


def test_long_numbers_stay_text():
    baseline = table("k,id\na,110101199003071234\n")
    target = table("k,id\na,110101199003071235\n")
    assert diff_tables(baseline, target, CompareOptions(key=["k"])).summary.cells_modified == 1


def test_numeric_tolerance():
    baseline = table("k,v\na,1.00\nb,2.00\n")
    target = table("k,v\na,1.004\nb,2.5\n")
    result = diff_tables(baseline, target, CompareOptions(key=["k"], numeric_tolerance=0.01))
    assert [(cell.old, cell.new) for change in result.changes for cell in change.cells] == [("2.00", "2.5")]


def test_csv_and_typed_xlsx_of_same_sheet_are_equal():
    import datetime
    import io

    import xlsxwriter

    csv_text = "序号,完成进度,任务发起时间,重要程度,金额\n1,100%,2025/6/30,5,\"1,200\"\n2,35%,2025/7/1,3,80\n"
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet("Plan")
    percent = workbook.add_format({"num_format": "0%"})
    date = workbook.add_format({"num_format": "yyyy/m/d"})
    sheet.write_row(0, 0, ["序号", "完成进度", "任务发起时间", "重要程度", "金额"])
    for row, (number, progress, started, rating, amount) in enumerate(
        [(1, 1.0, datetime.date(2025, 6, 30), 5, 1200), (2, 0.35, datetime.date(2025, 7, 1), 3, 80)], start=1
    ):
        sheet.write_number(row, 0, number)
        sheet.write_number(row, 1, progress, percent)
        sheet.write_datetime(row, 2, datetime.datetime.combine(started, datetime.time()), date)
        sheet.write_number(row, 3, rating)
        sheet.write_number(row, 4, amount)
    workbook.close()

    result = diff_tables(table(csv_text), load_table(buffer.getvalue(), "plan.xlsx"))
    assert result.changes == []
    assert not result.summary.has_differences


EXACT = CompareOptions(
    trim_whitespace=False, stars_by_value=False, numbers_by_value=False, dates_by_value=False
)


def apply_changes(baseline, result) -> list[tuple[str, ...]]:
    """Rebuild the target rows from the baseline rows and the reported changes."""
    header = baseline.header
    first = baseline.first_data_row
    rows = [list(row) for row in baseline.data.iter_rows()]
    by_target = {}
    mentioned_baseline = set()
    for change in result.changes:
        if change.baseline_row is not None:
            mentioned_baseline.add(change.baseline_row - first)
        if change.kind == "added":
            by_target[change.target_row] = [change.values[name] for name in header]
        elif change.kind in ("modified", "moved"):
            row = list(rows[change.baseline_row - first])
            for cell in change.cells:
                row[header.index(cell.column)] = cell.new
            by_target[change.target_row] = row
    unchanged = iter(row for index, row in enumerate(rows) if index not in mentioned_baseline)
    height = result.target.rows
    return [tuple(by_target.get(first + index) or next(unchanged)) for index in range(height)]


mutations = st.lists(
    st.tuples(st.sampled_from(["insert", "delete", "edit", "move"]), st.integers(0, 1000), st.integers(0, 1000)),
    max_size=8,
)
small_rows = st.lists(
    st.tuples(st.sampled_from(["1", "2", "3", "x"]), st.sampled_from(["a", "b", ""]), st.text("pq", max_size=2)),
    min_size=1,
    max_size=15,
)


def mutate(rows: list[tuple[str, str, str]], operations) -> list[tuple[str, str, str]]:
    rows = list(rows)
    for operation, first, second in operations:
        if operation == "insert":
            rows.insert(first % (len(rows) + 1), (f"n{first}", "new", str(second)))
        elif rows and operation == "delete":
            rows.pop(first % len(rows))
        elif rows and operation == "edit":
            index = first % len(rows)
            row = list(rows[index])
            row[second % 3] = f"e{second}"
            rows[index] = tuple(row)
        elif rows and operation == "move":
            rows.insert(second % len(rows), rows.pop(first % len(rows)))
    return rows


def rows_csv(rows) -> str:
    return "k,g,t\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows)


@settings(max_examples=150, deadline=None)
@given(small_rows, mutations, st.booleans())
def test_applying_changes_reproduces_target(baseline_rows, operations, auto_key):
    target_rows = mutate(baseline_rows, operations)
    # A trailing empty row would be dropped on load; keep rows non-empty.
    baseline_rows = [row for row in baseline_rows if any(row)]
    target_rows = [row for row in target_rows if any(row)]
    baseline = table(rows_csv(baseline_rows))
    target = table(rows_csv(target_rows))
    options = EXACT.model_copy(update={"auto_key": auto_key})

    result = diff_tables(baseline, target, options)

    assert apply_changes(baseline, result) == [tuple(row) for row in target.data.iter_rows()]


def workbook(sheets: dict[str, list[list[str]]]) -> bytes:
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for index, row in enumerate(rows):
            sheet.write_row(index, 0, row)
    book.close()
    return buffer.getvalue()


PLAN = [["序号", "任务"], ["1", "a"], ["2", "b"]]
PEOPLE = [["姓名", "部门", "城市"], ["钱", "内容", "北京"], ["周", "运营", "上海"]]


def test_workbook_sheets_matched_by_name():
    from docdiff.diff import diff_workbooks, load_sheets

    baseline = load_sheets(workbook({"计划": PLAN, "人员": PEOPLE}), "b.xlsx")
    target = load_sheets(workbook({"人员": [*PEOPLE, ["孙", "运营", "广州"]], "计划": PLAN, "新表": PLAN}), "t.xlsx")
    result, [(primary_b, primary_t), *_] = diff_workbooks(baseline, target)
    assert (primary_b.sheet, primary_t.sheet) == ("计划", "计划")
    assert result.changes == []
    assert [sheet.target.sheet for sheet in result.other_sheets] == ["人员"]
    assert result.other_sheets[0].summary.rows_added == 1
    assert result.sheets_added == ["新表"]
    assert result.sheets_removed == []
    assert result.has_differences


def test_workbook_renamed_sheet_matched_by_content():
    from docdiff.diff import diff_workbooks, load_sheets

    baseline = load_sheets(workbook({"Sheet1": PEOPLE}), "b.xlsx")
    target = load_sheets(workbook({"人员名单": PEOPLE}), "t.xlsx")
    result, _ = diff_workbooks(baseline, target)
    assert result.sheets_added == result.sheets_removed == []
    assert [(rename.baseline, rename.target) for rename in result.sheets_renamed] == [("Sheet1", "人员名单")]
    # The cells are the same, but the rename alone is a difference.
    assert not result.summary.has_differences
    assert result.has_differences


def test_csv_matches_xlsx_sheet_by_content():
    from docdiff.diff import diff_workbooks, load_sheets

    csv_sheet = load_sheets("姓名,部门,城市\n钱,内容,北京\n周,运营,上海\n".encode(), "people.csv")
    xlsx_sheets = load_sheets(workbook({"计划": PLAN, "人员": PEOPLE}), "book.xlsx")
    result, [(_, primary_t)] = diff_workbooks(csv_sheet, xlsx_sheets)
    assert primary_t.sheet == "人员"
    assert result.changes == []
    assert result.sheets_added == ["计划"]


def test_rarity_weights():
    import math

    import polars as pl

    from docdiff.diff.align import rarity_weights

    weights = rarity_weights(pl.DataFrame({"c": ["a", "a", "b", ""]}))["c"].to_list()
    assert weights[0] == pytest.approx(1 / (1 + math.log(2)))
    assert weights[1] == weights[0]
    assert weights[2] == pytest.approx(1.0)
    assert weights[3] == 0.0


def test_similarity_counts_rare_values_more():
    import polars as pl

    from docdiff.diff.align import Rows, RowWeights, similarity

    baseline = Rows.whole(pl.DataFrame({"name": ["Zed", "Amy"], "team": ["ops", "ops"]}))
    target = Rows.whole(pl.DataFrame({"name": ["Zed", "Bob"], "team": ["dev", "ops"]}))
    weights_b = RowWeights.of(baseline, [0, 1])
    weights_t = RowWeights.of(target, [0, 1])
    pairs_b = pl.Series([0, 0], dtype=pl.UInt32)
    pairs_t = pl.Series([0, 1], dtype=pl.UInt32)
    scores = similarity(baseline, target, pairs_b, pairs_t, weights_b, weights_t)
    assert scores["share"].to_list() == [0.5, 0.5]
    weighted_rare, weighted_common = scores["weighted"].to_list()
    assert weighted_rare > 0.5
    assert weighted_common < 0.5


def test_rename_of_few_valued_column_after_a_drop():
    baseline = table("id,note,level\n1,x,high\n2,y,low\n3,z,high\n4,w,low\n")
    target = table("id,grade\n1,high\n2,low\n3,high\n4,low\n")
    result = diff_tables(baseline, target)
    assert [(rename.baseline, rename.target) for rename in result.columns_renamed] == [("level", "grade")]
    assert result.columns_removed == ["note"]


def test_rename_found_with_values_equal_by_number_rules():
    baseline = table("id,score\n1,3\n2,4\n3,5\n4,4\n")
    target = table("id,rating\n1,3\n2,4.0\n3,5.0\n4,4\n")
    result = diff_tables(baseline, target)
    assert [(rename.baseline, rename.target) for rename in result.columns_renamed] == [("score", "rating")]
    assert result.changes == []


def test_row_pairing_uses_numeric_tolerance():
    baseline = table("name,city,cik,founded\nIntel,Santa Clara,50863,1968\nAMD,Santa Clara,2488,1969\nApple,Cupertino,320193,1976\n")
    target = table("name,city,cik,founded\nIntel,San Jose,50862.9996,1967.9996\nAMD,Santa Clara,2488,1969\nApple,Cupertino,320193,1976\n")
    options = CompareOptions(auto_key=False, numeric_tolerance=0.001)
    result = diff_tables(baseline, target, options)
    assert kinds(result) == [("modified", 2, 2)]
    assert [cell.column for cell in result.changes[0].cells] == ["city"]


def test_rows_sharing_common_values_still_pair():
    baseline = table("id,plan,notes,status,owner\n1,plan 1,notes 1,open,Li\n2,plan 2,notes 2,open,Li\n3,plan 3,notes 3,open,Li\n")
    target = table("id,plan,notes,status,owner\n1,plan 1 v2,notes 1 v2,open,Li\n2,plan 2 v2,notes 2 v2,open,Li\n3,plan 3 v2,notes 3 v2,open,Li\n")
    result = diff_tables(baseline, target, CONTENT)
    assert kinds(result) == [("modified", 2, 2), ("modified", 3, 3), ("modified", 4, 4)]


def _longest_increasing_length(values: list[int]) -> int:
    best = [1] * len(values)
    for later in range(len(values)):
        for earlier in range(later):
            if values[earlier] < values[later]:
                best[later] = max(best[later], best[earlier] + 1)
    return max(best, default=0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 60), max_size=40, unique=True), st.data())
def test_increasing_mask_marks_longest_run(values, data):
    # Mostly sorted input with a few moves, like the pairs alignment passes in.
    values = sorted(values) if data.draw(st.booleans()) else values
    for _ in range(data.draw(st.integers(0, 4))):
        if len(values) > 1:
            moved = values.pop(data.draw(st.integers(0, len(values) - 1)))
            values.insert(data.draw(st.integers(0, len(values))), moved)
    mask = longest_increasing_mask(pl.Series(values, dtype=pl.UInt32)).to_list()
    marked = [value for value, keep in zip(values, mask) if keep]
    assert len(mask) == len(values)
    assert all(earlier < later for earlier, later in zip(marked, marked[1:]))
    assert len(marked) == _longest_increasing_length(values)


def test_rows_edited_in_place_pair_by_position():
    baseline = "a,b,c,d,e\n1,x,y,z,w\n2,p,q,r,s\n3,k,l,m,n\n4,f,g,h,i\n"
    target = "a,b,c,d,e\n1,x,y,z,w\n2,p,Q,r,s\n3,k,l,M,n\n4,f,g,h,i\n"
    result = diff_tables(table(baseline), table(target), CONTENT)
    assert kinds(result) == [("modified", 3, 3), ("modified", 4, 4)]
    assert [cell.baseline_cell for change in result.changes for cell in change.cells] == ["C3", "D4"]


def test_swapped_edited_rows_pair_correctly():
    baseline = "a,b,c,d,e\n1,x,y,z,w\n2,p,q,r,s\n3,k,l,m,n\n4,f,g,h,i\n"
    target = "a,b,c,d,e\n1,x,y,z,w\n3,k,l,M,n\n2,p,Q,r,s\n4,f,g,h,i\n"
    result = diff_tables(table(baseline), table(target), CONTENT)
    pairs = sorted((change.baseline_row, change.target_row) for change in result.changes)
    assert pairs == [(3, 4), (4, 3)]
    assert result.summary.rows_modified == 2
    assert result.summary.rows_moved == 1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["1,000", "1000", " 7 ", "★★★", "3", "2025/5/27", "2025-05-27", "x", "", "90%"]), max_size=30))
def test_value_rules_on_repeated_values(cells):
    frame = pl.DataFrame({"c": pl.Series(cells, dtype=pl.String)})
    options = CompareOptions()
    expected = [value_frame(pl.DataFrame({"c": [cell]}), options)["c"][0] for cell in cells]
    assert value_frame(frame, options)["c"].to_list() == expected


@pytest.mark.parametrize("cell, options, expected", [
    ("ID-7", CompareOptions(), "ID-7"),
    ("Ann", CompareOptions(ignore_case=True), "ann"),
    (" Ann", CompareOptions(), "Ann"),
    (" Ann", CompareOptions(trim_whitespace=False), " Ann"),
    ("1,000", CompareOptions(), "1000.0"),
    ("1,000", CompareOptions(numbers_by_value=False), "1,000"),
    ("★★", CompareOptions(numbers_by_value=False), "2"),
])
def test_value_frame_returns_unchanged_frame(cell, options, expected):
    frame = pl.DataFrame({"a": ["plain", cell], "b": ["x", "y"]})
    normalised = value_frame(frame, options)
    assert normalised["a"][1] == expected
    # A frame that no rule changes comes back as it is, without a copy.
    assert (normalised is frame) == (expected == cell)


def test_table_diff_matches_payload():
    target = BASE.replace("Rome", "Roma").replace("5,Eve,Lima\n", "") + "6,Fay,Bern\n"
    diff = compare_tables(table(BASE), table(target), CONTENT)
    result = diff.to_result()
    assert diff.summary() == result.summary
    values = diff.cell_values()
    assert values.select("column", "baseline_cell", "target_cell", "old", "new").rows() == [
        ("city", "C3", "C3", "Rome", "Roma")
    ]
    assert diff.removed().to_list() == [4]
    assert diff.added().to_list() == [4]


def test_yes_no_rename_among_moved_neighbours():
    # `done` has two values and other columns moved around it, so its
    # neighbours differ and only the aligned rows tell that `finished` is it.
    baseline = "id,city,done,name\n1,Oslo,yes,Ann\n2,Rome,no,Bob\n3,Lima,yes,Cid\n4,Kyiv,no,Dee\n5,Bern,no,Eve\n"
    target = "name,finished,id,city,new\nAnn,yes,1,Oslo,91\nBob,no,2,Rome,12\nCid,yes,3,Lima,33\nDee,no,4,Kyiv,47\nEve,yes,5,Bern,58\n"
    result = diff_tables(table(baseline), table(target), CompareOptions(key=["id"]))
    assert [(rename.baseline, rename.target) for rename in result.columns_renamed] == [("done", "finished")]
    assert result.columns_removed == []
    assert result.columns_added == ["new"]
    assert [(cell.column, cell.old, cell.new) for change in result.changes for cell in change.cells] == [
        ("done", "no", "yes")
    ]


def test_chance_agreement_is_no_rename():
    baseline = "id,city,flag,name\n" + "".join(
        f"{i},c{i},{'yes' if i % 2 else 'no'},n{i}\n" for i in range(8)
    )
    target = "name,other,id,city\n" + "".join(
        f"n{i},{'yes' if i % 4 < 2 else 'no'},{i},c{i}\n" for i in range(8)
    )
    result = diff_tables(table(baseline), table(target), CompareOptions(key=["id"]))
    assert result.columns_renamed == []
    assert result.columns_removed == ["flag"]
    assert result.columns_added == ["other"]


def test_trusted_equals_validated_model():
    from docdiff.diff.model import CellChange, RowChange, trusted

    cell = {"column": "city", "baseline_cell": "C3", "target_cell": "C4", "old": "Rome", "new": "Roma"}
    row = {
        "kind": "modified",
        "baseline_row": 3,
        "target_row": 4,
        "moved": True,
        "similarity": 0.75,
        "values": None,
    }
    built = trusted(RowChange, cells=[trusted(CellChange, **cell)], **row)
    validated = RowChange(cells=[CellChange(**cell)], **row)
    assert built == validated
    assert built.model_dump_json() == validated.model_dump_json()
    with pytest.raises(TypeError, match="similarity"):
        trusted(RowChange, **{name: value for name, value in row.items() if name != "similarity"}, cells=[])


def test_renamed_column_dominated_by_one_value():
    # Most rows are `done`, so two such columns agree often by chance; the
    # rename still shows because the rows agree far more often than that.
    # Share of equal rows 0.875, chance agreement 0.8, kappa 0.375.
    statuses = ["done"] * 36 + ["open"] * 4
    edited = ["open"] * 3 + ["done"] * 33 + ["open", "open", "done", "done"]
    baseline = "id,city,status,name\n" + "".join(f"{i},c{i},{s},n{i}\n" for i, s in enumerate(statuses))
    target = "name,state,id,city\n" + "".join(f"n{i},{s},{i},c{i}\n" for i, s in enumerate(edited))
    result = diff_tables(table(baseline), table(target), CompareOptions(key=["id"]))
    assert [(rename.baseline, rename.target) for rename in result.columns_renamed] == [("status", "state")]
    assert result.summary.cells_modified == 5


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=60, unique=True), st.integers(0, 3))
def test_greedy_rounds_match_one_by_one(pairs, rounds):
    import docdiff.diff.align as align

    ranked = pl.DataFrame(
        {"b": [b for b, _ in pairs], "t": [t for _, t in pairs], "similarity": [1.0] * len(pairs)},
        schema={"b": pl.UInt32, "t": pl.UInt32, "similarity": pl.Float64},
    )
    expected, used_b, used_t = [], set(), set()
    for b, t in pairs:
        if b not in used_b and t not in used_t:
            used_b.add(b)
            used_t.add(t)
            expected.append((b, t))
    # Few rounds leave pairs to the one-by-one pass; both paths must agree.
    original = align.GREEDY_ROUNDS
    align.GREEDY_ROUNDS = rounds
    try:
        chosen = align.greedy_unique(ranked)
    finally:
        align.GREEDY_ROUNDS = original
    assert chosen.select("b", "t").rows() == expected


def test_row_agreement_overrides_neighbour_rename():
    # `Paid` sits where `Approved` sat, so the neighbour rule alone pairs them.
    # `Confirmed` contains Approved's cells row for row and wins.
    approved = ["yes" if i % 3 else "no" for i in range(30)]
    paid = ["yes" if i % 2 else "no" for i in range(30)]
    baseline = "ID,Name,Dept,Approved,Notes,City\n" + "".join(
        f"{i},P{i},D{i % 4},{approved[i]},n{i},C{i % 5}\n" for i in range(30)
    )
    target = "ID,Name,Confirmed,Paid,City,Dept\n" + "".join(
        f"{i},P{i},{approved[i]},{paid[i]},C{i % 5},D{i % 4}\n" for i in range(30)
    )
    result = diff_tables(table(baseline), table(target))
    assert [(rename.baseline, rename.target) for rename in result.columns_renamed] == [("Approved", "Confirmed")]
    assert result.columns_added == ["Paid"]
    assert result.columns_removed == ["Notes"]
    assert result.summary.cells_modified == 0
