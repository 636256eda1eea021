"""Read a CSV or XLSX file into a `Table` of strings.

Decisions:
- Every cell is text. Types are the comparison's business, not the loader's,
  so `007` stays `007` and an empty cell is `""`.
- Encoding: UTF-8 (with or without BOM) is tried first, because online
  editors export it. Otherwise charset-normalizer guesses, and the GBK
  family is widened to GB18030, which decodes every GBK byte sequence.
- Trailing empty rows and columns are dropped; empty rows inside the data
  are kept, because the spreadsheet shows them and they carry row numbers.
- Title rows and two-row headers are detected (see `detect_header`).
- XLSX: every sheet is read; `load_table` returns the first non-empty one
  unless a sheet is named.

Row numbers and column letters always refer to the sheet as the user sees it,
so every `Table` remembers where its first cell sits.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

import charset_normalizer
import polars as pl

from docdiff.errors import InvalidRequest, ParseError, UnsupportedFormat

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
# Header detection looks only at the first records; a title block or header
# deeper than this is treated as data.
HEADER_SCAN_ROWS = 8
# Rows checked before a whole column when looking for trailing empty columns.
TOP_ROWS = 1000
_DATE_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2}) 00:00:00$"


@dataclass(eq=False)
class Table:
    source: str
    format: str
    data: pl.DataFrame
    header: list[str]
    header_rows: list[int]
    first_data_row: int
    first_column: int = 0
    title: str | None = None
    sheet: str | None = None
    encoding: str | None = None
    sheets: list[str] = field(default_factory=list)

    @property
    def height(self) -> int:
        return self.data.height

    def row_number(self, index: int) -> int:
        """Return the spreadsheet row number of data row `index` (0-based)."""
        return self.first_data_row + index

    def letter(self, column: str) -> str:
        """Return the spreadsheet letters of `column` in the source sheet."""
        return column_letter(self.first_column + self.header.index(column))

    def cell_address(self, column: str, index: int) -> str:
        return f"{self.letter(column)}{self.row_number(index)}"


def column_letter(position: int) -> str:
    """Return the spreadsheet letters of a 0-based column position: 0 -> A, 27 -> AB."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_position(letters: str) -> int:
    position = 0
    for char in letters:
        position = position * 26 + (ord(char) - ord("A") + 1)
    return position - 1


def detect_format(data: bytes, name: str) -> str:
    lowered = name.lower().split("?")[0]
    if data.startswith(XLSX_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC) or lowered.endswith(".xls"):
        raise UnsupportedFormat(reason="xls", name=name)
    if lowered.endswith((".xlsx", ".xlsm")):
        raise ParseError(reason="not_zip", name=name)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedFormat(reason="binary", name=name)
    return "csv"


WIDE_ENCODINGS = ["utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le"]


PREFERRED_ENCODINGS = ("gb18030", "cp1252")
# Measured with charset-normalizer 3.5: Japanese and Korean text decoded as
# GB18030 scores about 0.1 worse than in its own encoding. Sparse Chinese or
# Latin text in its right encoding scores within about 0.03 of the best guess.
PREFERENCE_MARGIN = 0.05


def _is_gb(encoding: str) -> bool:
    """Return whether `encoding` is one of the GB family, which GB18030 extends."""
    return encoding.replace("-", "").replace("_", "").lower() in ("gbk", "gb2312", "cp936", "gb18030", "hz")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes and return the text with the encoding's name."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass

    # Commas and line breaks are ASCII, which UTF-16 and UTF-32 write with
    # zero bytes. Without any, a short GB18030 file could pass for UTF-16.
    wide = [] if b"\x00" in data else WIDE_ENCODINGS
    matches = charset_normalizer.from_bytes(data, cp_exclusion=wide)
    best = matches.best()
    if best is None:
        raise ParseError(reason="encoding")
    # Text with few non-ASCII bytes reads almost as cleanly in many code
    # pages: a GB18030 file with two Chinese cells passes for shift_jis or
    # cp874, and "Café" in cp1252 for cp1250 or cp1006. The encodings
    # spreadsheets are saved in win when their mess ratio (charset-normalizer's
    # chaos) is within PREFERENCE_MARGIN of the best guess: GB18030 (Chinese
    # Windows and WPS), then cp1252 (Excel's ANSI code page on Western Windows).
    encoding = best.encoding
    for preferred in PREFERRED_ENCODINGS:
        match = charset_normalizer.from_bytes(data, cp_isolation=[preferred]).best()
        if match is not None and match.chaos <= best.chaos + PREFERENCE_MARGIN:
            encoding = preferred
            break
    if _is_gb(encoding):
        encoding = "gb18030"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise ParseError(reason="decode", encoding=encoding, position=exc.start if isinstance(exc, UnicodeDecodeError) else "?") from exc


def read_csv_records(text: str) -> pl.DataFrame:
    """Parse CSV text into a frame of string columns `c0..cN` with "" for empty cells."""
    return _parse_csv(text.encode("utf-8"), text)


def _parse_csv(payload: bytes, text: str | None = None) -> pl.DataFrame:
    """Parse UTF-8 CSV bytes; `text` is the same content decoded, when the caller has it."""
    # `isspace` stops at the first other byte, while `strip` would copy the whole file.
    if not payload or payload.isspace():
        return pl.DataFrame()
    try:
        frame = pl.read_csv(
            io.BytesIO(payload),
            has_header=False,
            infer_schema=False,
            empty_string_is_null=False,
            raise_if_empty=False,
        )
    except pl.exceptions.ComputeError:
        # Ragged records (more fields than the first record): polars would
        # drop the extra fields, so fall back to the csv module and pad.
        frame = _read_ragged_csv(text if text is not None else payload.decode("utf-8"))
    frame.columns = [f"c{i}" for i in range(frame.width)]
    # Short records leave nulls. A column's null count is known without a scan.
    if any(column.null_count() for column in frame.iter_columns()):
        frame = frame.with_columns(pl.all().fill_null(""))
    if b"\r" in payload:
        frame = frame.with_columns(pl.all().str.replace_all("\r\n", "\n", literal=True))
    return frame


def read_csv_bytes(data: bytes) -> tuple[pl.DataFrame, str]:
    """Parse CSV bytes and return the records with the encoding's name.

    UTF-8 goes to polars as it is, which validates it while parsing; only
    other encodings are decoded in Python first.
    """
    bom = data.startswith(b"\xef\xbb\xbf")
    payload = data[3:] if bom else data
    try:
        return _parse_csv(payload), "utf-8-sig" if bom else "utf-8"
    except (pl.exceptions.ComputeError, UnicodeDecodeError):
        pass
    text, encoding = decode_text(data)
    return read_csv_records(text), encoding


def _read_ragged_csv(text: str) -> pl.DataFrame:
    try:
        records = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise ParseError(reason="csv", detail=exc) from exc
    width = max((len(record) for record in records), default=0)
    columns = {
        f"c{i}": [record[i] if i < len(record) else "" for record in records] for i in range(width)
    }
    return pl.DataFrame(columns, schema={name: pl.String for name in columns})


def read_xlsx_sheets(data: bytes) -> list[tuple[str, pl.DataFrame, int, int]]:
    """Read every sheet of a workbook as (name, records, first row index, first column index)."""
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
    except Exception as exc:  # fastexcel raises its own error types per failure
        raise ParseError(reason="xlsx", detail=exc) from exc

    origins = _xlsx_origins(data, len(reader.sheet_names))
    sheets = []
    for index, name in enumerate(reader.sheet_names):
        try:
            frame = reader.load_sheet(index, header_row=None, dtypes="string").to_polars()
        except Exception as exc:
            raise ParseError(reason="sheet", sheet=name, detail=exc) from exc
        frame.columns = [f"c{i}" for i in range(frame.width)]
        if frame.width:
            frame = frame.with_columns(
                pl.all().fill_null("").str.replace(_DATE_MIDNIGHT, "${1}")
            )
        first_row, first_column = origins[index] if index < len(origins) else (0, 0)
        sheets.append((name, frame, first_row, first_column))
    return sheets


_CELL_REF = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?<!/)>')
_SHEET_PATH = re.compile(r"xl/worksheets/sheet(\d+)\.xml$")


def _xlsx_origins(data: bytes, sheet_count: int) -> list[tuple[int, int]]:
    """Find each sheet's first used row and column, as calamine does when it trims them.

    fastexcel starts a sheet at its first non-empty row and column, so a
    table that starts at B2 would otherwise be numbered from A1. The scan
    stops as soon as a cell in column A is seen.
    """
    origins: list[tuple[int, int]] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        paths = sorted(
            (name for name in archive.namelist() if _SHEET_PATH.search(name)),
            key=lambda name: int(_SHEET_PATH.search(name).group(1)),
        )
        for path in paths[:sheet_count]:
            origins.append(_scan_origin(archive.read(path)))
    except (zipfile.BadZipFile, KeyError):
        return [(0, 0)] * sheet_count
    return origins


def _scan_origin(xml: bytes) -> tuple[int, int]:
    first_row: int | None = None
    first_column: int | None = None
    for match in _CELL_REF.finditer(xml):
        row = int(match.group(2)) - 1
        column = column_position(match.group(1).decode())
        if first_row is None:
            first_row = row
        if first_column is None or column < first_column:
            first_column = column
        if first_column == 0:
            break
    return first_row or 0, first_column or 0


def _used(column: pl.Expr) -> pl.Expr:
    return column.str.strip_chars().str.len_bytes() > 0


def drop_trailing_empty(frame: pl.DataFrame) -> pl.DataFrame:
    """Drop empty columns at the right and empty rows at the bottom.

    Columns are checked from the right and rows from the bottom, so a sheet
    without trailing blanks costs a check of the top of its last column and
    of its last row.
    """
    if frame.width == 0 or frame.height == 0:
        return frame
    # Most exports end in a used column and a used row, which one query checks.
    ends_used = frame.select(
        _used(pl.col(frame.columns[-1]).head(TOP_ROWS)).any().alias("last_column"),
        pl.any_horizontal(_used(pl.all().last())).alias("last_row"),
    ).row(0)
    if all(ends_used):
        return frame
    last_column = -1
    for position in range(frame.width - 1, -1, -1):
        column = pl.col(frame.columns[position])
        # The top rows settle most columns without a scan of the whole column.
        if frame.head(TOP_ROWS).select(_used(column).any()).item() or frame.select(_used(column).any()).item():
            last_column = position
            break
    if last_column < 0:
        return frame.clear().select([])
    frame = frame.select(frame.columns[: last_column + 1])
    if frame.tail(1).select(pl.any_horizontal(_used(pl.all()))).item():
        return frame

    row_used = frame.select(pl.any_horizontal(_used(pl.all())).alias("used"))["used"]
    last_row = row_used.arg_true()[-1]
    return frame.head(last_row + 1)


def _non_empty(record: tuple[str, ...]) -> int:
    return sum(1 for cell in record if cell.strip())


def detect_header(records: list[tuple[str, ...]]) -> tuple[list[str], int, int]:
    """Find the title rows and header rows at the top of a sheet.

    Returns (title cells, index of the header record, number of header records).
    A title row contains a single non-empty cell and is followed by a row with at
    least two. A second header row is accepted when its cells sit only under
    empty header cells or under the first cell of a group (a header cell
    followed by empty ones), as a merged group header exports.
    """
    title: list[str] = []
    index = 0
    width = len(records[0]) if records else 0
    while (
        width >= 2
        and index + 1 < len(records)
        and len(title) < 3
        and _non_empty(records[index]) == 1
        and _non_empty(records[index + 1]) >= 2
    ):
        title.append(next(cell.strip() for cell in records[index] if cell.strip()))
        index += 1

    header_count = 1 if index < len(records) else 0
    if index + 1 < len(records) and _is_sub_header(records[index], records[index + 1]):
        header_count = 2
    return title, index, header_count


def _is_sub_header(header: tuple[str, ...], candidate: tuple[str, ...]) -> bool:
    under_empty = 0
    for position, cell in enumerate(candidate):
        if not cell.strip():
            continue
        if not header[position].strip():
            under_empty += 1
            continue
        starts_group = position + 1 < len(header) and not header[position + 1].strip()
        if not starts_group:
            return False
    return under_empty > 0


def combine_header(header: tuple[str, ...], sub_header: tuple[str, ...] | None) -> list[str]:
    """Name each column, joining sub-header cells to their group as `group/sub`."""
    names: list[str] = []
    group = ""
    for position, cell in enumerate(header):
        cell = cell.strip()
        if cell:
            group = cell
        sub = sub_header[position].strip() if sub_header else ""
        if sub:
            names.append(f"{group}/{sub}" if group else sub)
        elif cell:
            names.append(cell)
        else:
            names.append("")
    return names


def unique_names(names: list[str], first_column: int) -> list[str]:
    """Fill empty names with the column letter and number repeated names: `a`, `a#2`."""
    seen: dict[str, int] = {}
    result = []
    for position, name in enumerate(names):
        name = name or column_letter(first_column + position)
        count = seen.get(name, 0) + 1
        seen[name] = count
        result.append(name if count == 1 else f"{name}#{count}")
    return result


def build_table(
    records: pl.DataFrame,
    *,
    source: str,
    format: str,
    first_row: int = 0,
    first_column: int = 0,
    sheet: str | None = None,
    encoding: str | None = None,
) -> Table:
    """Split raw records into title, header and data, and name the columns."""
    records = drop_trailing_empty(records)
    top = [tuple(row) for row in records.head(HEADER_SCAN_ROWS).iter_rows()]
    title, header_index, header_count = detect_header(top)

    if header_count == 0:
        header: list[str] = []
    else:
        sub = top[header_index + 1] if header_count == 2 else None
        header = unique_names(combine_header(top[header_index], sub), first_column)

    data = records.slice(header_index + header_count)
    data.columns = header if header else data.columns
    header_rows = [first_row + header_index + 1 + i for i in range(header_count)]
    return Table(
        source=source,
        format=format,
        data=data if header else pl.DataFrame(),
        header=header,
        header_rows=header_rows,
        first_data_row=first_row + header_index + header_count + 1,
        first_column=first_column,
        title=" ".join(title) if title else None,
        sheet=sheet,
        encoding=encoding,
    )


def load_table(data: bytes, source: str, sheet: str | None = None) -> Table:
    """Load one sheet of a CSV or XLSX file.

    Raises UnsupportedFormat or ParseError with the file name and the reason.
    A file without a single non-empty cell is a ParseError too, because an
    empty export is far more often a failed export than an emptied sheet.
    A `sheet` that the workbook does not have raises InvalidRequest.
    """
    table = _load(data, source, sheet)
    if not table.header:
        raise ParseError(reason="empty", source=source)
    return table


def _load(data: bytes, source: str, sheet: str | None) -> Table:
    file_format = detect_format(data, source)
    if file_format == "csv":
        records, encoding = read_csv_bytes(data)
        return build_table(records, source=source, format="csv", encoding=encoding)

    sheets = read_xlsx_sheets(data)
    names = [name for name, *_ in sheets]
    chosen = _choose_sheet(sheets, sheet, source)
    name, records, first_row, first_column = chosen
    table = build_table(
        records,
        source=source,
        format="xlsx",
        first_row=first_row,
        first_column=first_column,
        sheet=name,
    )
    table.sheets = names
    return table


def load_sheets(data: bytes, source: str) -> list[Table]:
    """Load every non-empty sheet of a file: one for CSV, each sheet with a header for XLSX.

    Raises ParseError when no sheet has a single non-empty cell.
    """
    if detect_format(data, source) == "csv":
        return [load_table(data, source)]
    sheets = read_xlsx_sheets(data)
    names = [name for name, *_ in sheets]
    tables = []
    for name, records, first_row, first_column in sheets:
        table = build_table(
            records, source=source, format="xlsx", first_row=first_row, first_column=first_column, sheet=name
        )
        table.sheets = names
        if table.header:
            tables.append(table)
    if not tables:
        raise ParseError(reason="empty", source=source)
    return tables


def _choose_sheet(sheets, wanted: str | None, source: str):
    if not sheets:
        raise ParseError(reason="no_sheets", source=source)
    if wanted is not None:
        for entry in sheets:
            if entry[0] == wanted:
                return entry
        names = ", ".join(name for name, *_ in sheets)
        # A sheet name is user input, like a key column, so a wrong one is an invalid request.
        raise InvalidRequest(reason="unknown_sheet", source=source, sheet=wanted, sheets=names)
    for entry in sheets:
        if entry[1].height:
            return entry
    return sheets[0]
