"""Loading CSV and XLSX into tables: encodings, headers, titles, trimming, addresses."""

import io

import pytest
import xlsxwriter

from docdiff.diff.load import column_letter, load_table
from docdiff.errors import InvalidRequest, ParseError, UnsupportedFormat
from tests.servers import DOCUMENTS


def xlsx_bytes(cells: dict[str, object], sheets: tuple[str, ...] = ("Sheet1",)) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    for index, name in enumerate(sheets):
        sheet = workbook.add_worksheet(name)
        if index == 0:
            for address, value in cells.items():
                sheet.write(address, value)
    workbook.close()
    return buffer.getvalue()


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_utf8_bom_title_and_two_row_header():
    table = load_table((DOCUMENTS / "tencent-plan-xhs" / "baseline.csv").read_bytes(), "baseline.csv")
    assert table.encoding == "utf-8-sig"
    assert table.title == "2025年项目计划与安排表（07月）"
    assert table.header_rows == [2, 3]
    assert table.first_data_row == 4
    assert table.header[0] == "序号"
    assert table.header[15] == "周度分析总结/复盘周期"
    assert table.header[19] == "周度分析总结/进度分析与总结"
    assert table.data.shape == (92, 20)


def test_multiline_cells_are_one_record():
    table = load_table((DOCUMENTS / "tencent-plan-xhs" / "baseline.csv").read_bytes(), "baseline.csv")
    assert "\n" in table.data["具体计划内容"][0]


def test_gb18030_is_detected():
    text = "序号,项目名称,负责人\n1,内容库优化迭代,钱芳芳\n2,选题会复盘,周明远\n"
    table = load_table(text.encode("gb18030"), "plan.csv")
    assert table.encoding == "gb18030"
    assert table.header == ["序号", "项目名称", "负责人"]
    assert table.data["负责人"].to_list() == ["钱芳芳", "周明远"]


@pytest.mark.parametrize("text", ["名称,城市\n张三,北京\n", "名称,城市\n张三,北京", "项目\n内容库优化\n"])
def test_short_gb18030_file(text):
    table = load_table(text.encode("gb18030"), "short.csv")
    assert table.encoding == "gb18030"
    assert table.header == text.splitlines()[0].split(",")


@pytest.mark.parametrize("text, encoding", [
    ("name,city\nSeñor Muñoz,naïve\nCafé,Zürich\n", "cp1252"),
    ("name\nCafé\n", "cp1252"),
    ("名称,城市\n张三,北京\n", "gb18030"),
    ("이름,도시\n김철수,서울\n", "cp949"),
    ("имя,город\nИван,Москва\n", "cp1251"),
    ("id,note\n" + "".join(f"{i},ok\n" for i in range(50)) + "51,备注：已审核\n", "gb18030"),
    ("name,city\n" + "".join(f"Müller{i},Köln Straße {i}\n" for i in range(40)) + "Señor,São Paulo\n", "cp1252"),
])
def test_single_byte_and_east_asian_encodings(text, encoding):
    table = load_table(text.encode(encoding), "t.csv")
    lines = [line.split(",") for line in text.splitlines()]
    assert table.header == lines[0]
    assert table.data.rows() == [tuple(line) for line in lines[1:]]


def test_plain_utf8_without_title():
    table = load_table(b"a,b\n1,2\n", "t.csv")
    assert table.title is None
    assert table.header_rows == [1]
    assert table.first_data_row == 2


def test_trailing_empty_rows_and_columns_dropped():
    table = load_table(b"a,b,,\n1,2,,\n,,,\n3,4,,\n,,,\n,,,\n", "t.csv")
    assert table.header == ["a", "b"]
    assert table.data.height == 3
    assert table.data.row(1) == ("", "")


def test_ragged_rows_keep_every_field():
    table = load_table(b"a,b\n1,2,3\n4\n", "t.csv")
    assert table.header == ["a", "b", "C"]
    assert table.data.row(0) == ("1", "2", "3")
    assert table.data.row(1) == ("4", "", "")


def test_duplicate_and_empty_header_names():
    table = load_table(b"a,,a\n1,2,3\n", "t.csv")
    assert table.header == ["a", "B", "a#2"]


def test_crlf_line_endings():
    table = load_table(b'a,b\r\n"x\r\ny",2\r\n', "t.csv")
    assert table.data["a"][0] == "x\ny"


def test_xlsx_offset_table_keeps_sheet_addresses():
    content = xlsx_bytes({"B2": "name", "C2": "value", "B3": "x", "C3": 7})
    table = load_table(content, "book.xlsx")
    assert table.header == ["name", "value"]
    assert table.header_rows == [2]
    assert table.cell_address("value", 0) == "C3"
    assert table.data.row(0) == ("x", "7")


def test_xlsx_named_and_missing_sheet():
    content = xlsx_bytes({"A1": "k", "A2": "1"}, sheets=("Plan", "Other"))
    assert load_table(content, "b.xlsx", sheet="Plan").sheets == ["Plan", "Other"]
    with pytest.raises(InvalidRequest) as caught:
        load_table(content, "b.xlsx", sheet="Nope")
    assert caught.value.code == "invalid_request"
    assert caught.value.reason == "unknown_sheet"
    assert "Plan, Other" in caught.value.message("en")
    assert "Plan, Other" in caught.value.message("zh-CN")
    assert "--sheet" in caught.value.hint("zh-CN")


def test_legacy_xls_is_unsupported():
    with pytest.raises(UnsupportedFormat):
        load_table(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls")


def test_corrupt_xlsx_is_parse_error():
    with pytest.raises(ParseError) as caught:
        load_table(b"PK\x03\x04 not really a zip", "broken.xlsx")
    assert caught.value.reason == "xlsx"


@pytest.mark.parametrize("lang, message", [
    ("zh-CN", "cut.xlsx 不是有效的 XLSX 文件：它不是 ZIP 压缩包"),
    ("en", "cut.xlsx is not a valid XLSX file: it is not a ZIP archive"),
])
def test_xlsx_without_zip_signature(lang, message):
    with pytest.raises(ParseError) as caught:
        load_table(b"id,name\n1,Ann\n", "cut.xlsx")
    assert message in caught.value.message(lang)


def test_undecodable_byte_is_parse_error():
    content = "名称,城市\n张三,北京\n".encode("gb18030") + b"\x81\x20"
    with pytest.raises(ParseError) as caught:
        load_table(content, "bad.csv")
    assert caught.value.reason in ("decode", "encoding")
    assert "{" not in caught.value.message("zh-CN")


@pytest.mark.parametrize("content", [b"", b"\n\n", b",,,\n,,\n", b"\xef\xbb\xbf"])
def test_empty_file_is_parse_error(content):
    with pytest.raises(ParseError) as caught:
        load_table(content, "empty.csv")
    assert caught.value.reason == "empty"
    assert "empty" in caught.value.message("en")


def test_header_only_file_loads_with_no_rows():
    table = load_table(b"a,b\n", "t.csv")
    assert table.header == ["a", "b"]
    assert table.height == 0
