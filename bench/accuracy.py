"""Measure how accurately docdiff and other table diff tools recover known changes.

Method:
1. Load a real table (the demo documents `sp500-2024/baseline.csv` and
   `tencent-plan-xhs/baseline.csv`) and give every row and column a hidden id.
2. Copy it and apply seeded mutations (`random.Random`) of one operation, or
   of all of them ("mixed"), at an intensity given in percent. The percentage
   counts the cells an edit applies to, the rows, blocks of BLOCK_ROWS rows
   or the columns, with at least one mutation. "mixed" applies each
   operation at that intensity, to rows and columns that no other row or
   column operation used. Every mutation records what it did, so the truth is
   known: which baseline and target rows are the same row, which cells
   changed, and which columns are the same column.
3. Write both versions as CSV without the ids, run each tool, map its output
   back to ids and score precision, recall and F1 of three sets:
   - changed cells: (baseline row, target row, baseline column, target
     column) of every cell reported as modified on a row pair;
   - row pairs: (baseline row, target row) that the tool treats as the same
     row, unchanged rows included;
   - column pairs: (baseline column, target column), renamed columns included.
   An empty set that should be empty scores 1.0. A reported item when none
   is expected scores precision 0 and F1 0.

Operations on cells: edits (another value of a column with few values, a
shifted number or date, or a word appended to text), edits below the
numeric tolerance (a number moved by 0.0004, compared with
`numeric_tolerance` 0.001) and whitespace-only edits. Operations on rows:
inserts, deletes, moves, moves of blocks, and duplicates (a copy right
below the original, which counts as an inserted row). Operations on
columns: add, drop, rename (same values, new name) and move. Edits below the tolerance and
whitespace edits must compare equal, so they add nothing to the truth and
any cell a tool reports for them is a false positive. Copies of a row are
identical, so pairing the baseline row with either copy counts as correct.

Tools:
- docdiff: `CompareOptions()` (it may find a key by itself), with
  `auto_key=False` (content alignment only), and with the true key.
- daff (`daff.Coopy`, no key): its highlighter output with every row and
  column shown, trimming whitespace and with the numeric tolerance as
  `ignore_epsilon`, like docdiff's defaults.
- datacompy (`PandasCompare`, on frames as `pandas.read_csv` types them,
  with `ignore_spaces` and the tolerance as `abs_tol`) and csv-diff (which
  has neither option), given the true key. They cannot see moved rows or
  renamed columns; they are scored on what they report.
Each case also checks that every tool reports nothing when both files are
the baseline.

The true key of sp500-2024 is `Symbol`, a column of the data. Mutations never
edit, drop, rename or move it, and inserted rows get a new symbol, but a
duplicated row repeats it. tencent-plan-xhs has no unique column, so the
keyed runs add the hidden row id as a first column `rid` to both files. The
tencent-plan-xhs sheet has a title row and a two-row header; the benchmark
writes its data under a single header row of the combined names that
docdiff's loader reports (for example `周度分析总结/复盘周期`).

Usage: .venv/bin/python bench/accuracy.py [--seed 1] [--intensity 1 ...]
       [--dataset sp500-2024] [--operation cell-edit ...] [--quick]
The exit status is 1 when a target fails.
"""

import argparse
import csv
import io
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import csv_diff
import daff
import pandas as pd
from datacompy import PandasCompare

from docdiff.diff import CompareOptions, diff_tables, load_table
from docdiff.diff.report import output_columns, sheet_rows

DOCUMENTS = Path(__file__).resolve().parent.parent / "src" / "docdiff" / "demo_site" / "documents"
DATASETS = {"sp500-2024": "Symbol", "tencent-plan-xhs": None}
ROW_ID_COLUMN = "rid"
# Id of the written `rid` column. Scoring skips it because it is not data.
ROW_ID_COLUMN_ID = "#rid"
# Id prefixes of rows and columns that the mutations create. Baseline ids start with `r` and `c`.
NEW_ROW_PREFIX = "n"
ADDED_COLUMN_PREFIX = "added"

DEFAULT_INTENSITIES = [0.1, 1.0, 10.0]  # percent
TARGET_INTENSITY = 1.0  # percent
TARGET_MIN_F1 = 0.99
NUMERIC_TOLERANCE = 0.001
# Below-tolerance edits move a number by this much (percent cells by this many hundredths).
TOLERANCE_DELTA = Decimal("0.0004")
BLOCK_ROWS = 5
# Columns with at most this many distinct values get another existing value when edited.
CATEGORY_MAX_VALUES = 12
ADDED_COLUMN_NAMES = ["Market Cap (USD m)", "Headcount", "Budget", "预算（元）", "工时", "Score"]

OPERATIONS = [
    "cell-edit",
    "tolerance-edit",
    "whitespace-edit",
    "row-insert",
    "row-delete",
    "row-move",
    "block-move",
    "row-duplicate",
    "column-add",
    "column-drop",
    "column-rename",
    "column-move",
    "mixed",
]
# Order in which "mixed" applies the operations: cells first, then rows, then columns.
MIXED_ORDER = [
    "cell-edit",
    "tolerance-edit",
    "whitespace-edit",
    "row-delete",
    "row-move",
    "block-move",
    "row-duplicate",
    "row-insert",
    "column-drop",
    "column-rename",
    "column-move",
    "column-add",
]
TOOLS = ["docdiff", "docdiff-content", "docdiff-key", "daff", "datacompy", "csv-diff"]
KEYED_TOOLS = {"docdiff-key", "datacompy", "csv-diff"}
METRICS = ["cells", "rows", "columns"]

# As in docdiff, an integer part with a leading zero (`0725`) is a code, not a number.
_NUMBER = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$")
_PERCENT = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?%$")
_DATE = re.compile(r"^([0-9]{4})([-/])([0-9]{1,2})\2([0-9]{1,2})$")
_CODE = re.compile(r"^[A-Z][A-Z.]{0,5}$")
_WHITESPACE = re.compile(r"\s+")
_DAFF_RENAME_MARK = re.compile(r":?\((.*)\)", re.DOTALL)


# ---------------------------------------------------------------- tables


@dataclass
class Sheet:
    """One version of a table: cells addressed by hidden row and column ids."""

    column_ids: list[str]
    names: dict[str, str]  # column id -> header name
    row_ids: list[str]
    cells: dict[str, dict[str, str]]  # row id -> column id -> value

    def copy(self) -> "Sheet":
        return Sheet(
            column_ids=list(self.column_ids),
            names=dict(self.names),
            row_ids=list(self.row_ids),
            cells={row: dict(values) for row, values in self.cells.items()},
        )

    def column_values(self, column: str) -> list[str]:
        return [self.cells[row][column] for row in self.row_ids]


@dataclass
class Dataset:
    name: str
    sheet: Sheet
    key_column: str | None  # column id of the true key inside the data, or None


def load_dataset(name: str, documents: Path) -> Dataset:
    """Load a baseline table with docdiff's loader and give its rows and columns ids."""
    path = documents / name / "baseline.csv"
    table = load_table(path.read_bytes(), path.name)
    column_ids = [f"c{position}" for position in range(len(table.header))]
    row_ids = [f"r{index}" for index in range(table.height)]
    cells = {
        row: dict(zip(column_ids, values)) for row, values in zip(row_ids, table.data.iter_rows())
    }
    sheet = Sheet(column_ids, dict(zip(column_ids, table.header)), row_ids, cells)
    key_name = DATASETS[name]
    key_column = column_ids[table.header.index(key_name)] if key_name else None
    return Dataset(name, sheet, key_column)


# ---------------------------------------------------------------- values


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text) or _PERCENT.match(text))


def shift_number(text: str, rng: random.Random) -> str:
    """Change a number by at least 1 (and by up to a tenth of its size), keeping its format."""
    percent = text.endswith("%")
    number = Decimal(text.rstrip("%"))
    step = rng.randint(1, max(1, int(abs(number)) // 10))
    if number - step < 0 or rng.random() < 0.5:
        number += step
    else:
        number -= step
    return f"{number}%" if percent else str(number)


def shift_date(text: str, rng: random.Random) -> str:
    """Move a date by 1 to 400 days, keeping its separator and zero padding."""
    match = _DATE.match(text)
    year, separator, month, day = match.groups()
    shifted = date(int(year), int(month), int(day)) + timedelta(days=rng.choice([-1, 1]) * rng.randint(1, 400))
    padded = len(month) == 2
    month_text = f"{shifted.month:02d}" if padded else str(shifted.month)
    day_text = f"{shifted.day:02d}" if padded else str(shifted.day)
    return f"{shifted.year}{separator}{month_text}{separator}{day_text}"


def edited_value(value: str, column_values: list[str], rng: random.Random) -> str:
    """Return a plausible different value for a cell: what a person editing the sheet might type.

    Columns with few distinct values get another of their values. Numbers
    and dates are shifted. Other text gets a word from another cell of the
    column appended, and an empty cell is filled in.

    NOTE: another value of the column differs after trimming, but could
    still equal this one under docdiff's number or date rules (`1,000` and
    `1000`), which would make a false truth. The two datasets hold no such
    pair of values.
    """
    stripped = value.strip()
    others = sorted({v for v in column_values if v.strip() and v.strip() != stripped})
    categorical = len(set(column_values)) <= CATEGORY_MAX_VALUES
    if others and (categorical or not stripped):
        return rng.choice(others)
    if is_number(stripped):
        return shift_number(stripped, rng)
    if _DATE.match(stripped):
        return shift_date(stripped, rng)
    donor = rng.choice(others) if others else "new"
    words = donor.split()
    addition = words[-1] if words and len(words[-1]) <= 20 else donor[:6]
    return f"{value} {addition}"


def below_tolerance_value(text: str, rng: random.Random) -> str:
    """Move a number by TOLERANCE_DELTA, which docdiff's `numeric_tolerance` must absorb."""
    percent = text.endswith("%")
    number = Decimal(text.rstrip("%"))
    # docdiff compares percentages as fractions, so `100.04%` is 0.0004 away from `100%`.
    delta = (TOLERANCE_DELTA * 100).normalize() if percent else TOLERANCE_DELTA
    number = number - delta if number >= delta and rng.random() < 0.5 else number + delta
    return f"{number}%" if percent else str(number)


def padded_value(value: str, rng: random.Random) -> str:
    return rng.choice([f" {value}", f"{value} ", f"{value}\n", f"  {value}  "])


def fresh_unique_value(values: list[str], rng: random.Random) -> str:
    """Return a value not yet in a column whose values are all distinct, in the column's style."""
    present = set(values)
    filled = [value for value in values if value]
    while True:
        if filled and all(_CODE.match(value) for value in filled):
            candidate = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
        elif filled and all(_NUMBER.match(value) and "." not in value for value in filled):
            candidate = str(max(int(value) for value in filled) + rng.randint(1, 1000))
        else:
            first, second = rng.choice(filled or ["new"]), rng.choice(filled or ["row"])
            candidate = first[: max(1, len(first) // 2)] + second[len(second) // 2 :]
        if candidate not in present:
            return candidate


def new_row_values(sheet: Sheet, unique_columns: set[str], rng: random.Random) -> dict[str, str]:
    """Build a new row: `unique_columns` get a fresh value, others a value from a random row."""
    values = {}
    for column in sheet.column_ids:
        existing = sheet.column_values(column)
        if column in unique_columns:
            values[column] = fresh_unique_value(existing, rng)
        else:
            values[column] = rng.choice(existing)
    return values


def column_match_name(name: str) -> str:
    """Return the form in which docdiff compares header names: no whitespace, case folded."""
    return _WHITESPACE.sub("", name).casefold()


def renamed_column_name(name: str) -> str:
    return f"{name}（修订）" if any(ord(char) > 0x2E7F for char in name) else f"{name} (revised)"


# ---------------------------------------------------------------- mutations


@dataclass
class Ledger:
    """Record of the mutations applied to the target, from which the truth is computed."""

    protected_column: str | None
    # Columns whose values are all distinct in the baseline. New rows get fresh values in them.
    unique_columns: set[str] = field(default_factory=set)
    tolerance: float = 0.0
    edited_cells: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    quiet_cells: set[tuple[str, str]] = field(default_factory=set)  # edits that must compare equal
    rows_used: set[str] = field(default_factory=set)
    columns_used: set[str] = field(default_factory=set)
    new_rows: int = 0
    new_columns: int = 0

    def touched_cells(self) -> set[tuple[str, str]]:
        return set(self.edited_cells) | self.quiet_cells

    def new_row_id(self) -> str:
        self.new_rows += 1
        return f"{NEW_ROW_PREFIX}{self.new_rows}"


def editable_cells(target: Sheet, ledger: Ledger, accept) -> list[tuple[str, str]]:
    """Return (row id, column id) of baseline cells not yet touched whose value passes `accept`."""
    touched = ledger.touched_cells()
    return [
        (row, column)
        for row in target.row_ids
        if not row.startswith(NEW_ROW_PREFIX)
        for column in target.column_ids
        if column != ledger.protected_column
        and not column.startswith(ADDED_COLUMN_PREFIX)
        and (row, column) not in touched
        and accept(target.cells[row][column])
    ]


def any_cell(value: str) -> bool:
    return True


def number_cell(value: str) -> bool:
    return is_number(value.strip())


def filled_cell(value: str) -> bool:
    return bool(value.strip())


# Cells each cell edit applies to.
CELL_FILTERS = {"cell-edit": any_cell, "tolerance-edit": number_cell, "whitespace-edit": filled_cell}


def edit_cells(target: Sheet, ledger: Ledger, rng: random.Random, count: int) -> None:
    candidates = editable_cells(target, ledger, any_cell)
    for row, column in rng.sample(candidates, min(count, len(candidates))):
        old = target.cells[row][column]
        new = edited_value(old, target.column_values(column), rng)
        target.cells[row][column] = new
        ledger.edited_cells[(row, column)] = (old, new)


def edit_cells_below_tolerance(target: Sheet, ledger: Ledger, rng: random.Random, count: int) -> None:
    candidates = editable_cells(target, ledger, number_cell)
    for row, column in rng.sample(candidates, min(count, len(candidates))):
        target.cells[row][column] = below_tolerance_value(target.cells[row][column].strip(), rng)
        ledger.quiet_cells.add((row, column))
    ledger.tolerance = NUMERIC_TOLERANCE


def pad_cells_with_whitespace(target: Sheet, ledger: Ledger, rng: random.Random, count: int) -> None:
    candidates = editable_cells(target, ledger, filled_cell)
    for row, column in rng.sample(candidates, min(count, len(candidates))):
        target.cells[row][column] = padded_value(target.cells[row][column], rng)
        ledger.quiet_cells.add((row, column))


def free_rows(target: Sheet, ledger: Ledger, avoid_edited: bool) -> list[str]:
    """Return baseline rows that no row operation has used yet."""
    edited = {row for row, _ in ledger.touched_cells()} if avoid_edited else set()
    return [
        row
        for row in target.row_ids
        if not row.startswith(NEW_ROW_PREFIX) and row not in ledger.rows_used and row not in edited
    ]


def insert_rows(target: Sheet, ledger: Ledger, rng: random.Random, count: int) -> None:
    for _ in range(count):
        row = ledger.new_row_id()
        values = new_row_values(target, ledger.unique_columns, rng)
        target.cells[row] = values
        target.row_ids.insert(rng.randint(0, len(target.row_ids)), row)


def delete_rows(target: Sheet, ledger: Ledger, rng: random.Random, count: int) -> None:
    candidates = free_rows(target, ledger, avoid_edited=True)
    for row in rng.sample(candidates, min(count, len(candidates))):
        target.row_ids.remove(row)
        ledger.rows_used.add(row)


def move_rows(target: Sheet, ledger: Ledger, rng: random.Random, count: int) -> None:
    candidates = free_rows(target, ledger, avoid_edited=False)
    for row in rng.sample(candidates, min(count, len(candidates))):
        position = target.row_ids.index(row)
        target.row_ids.pop(position)
        destination = rng.choice([index for index in range(len(target.row_ids) + 1) if index != position])
        target.row_ids.insert(destination, row)
        ledger.rows_used.add(row)


def move_blocks(target: Sheet, ledger: Ledger, rng: random.Random, count: int) -> None:
    """Move `count` runs of BLOCK_ROWS adjacent rows, each to another place."""
    for _ in range(count):
        free = set(free_rows(target, ledger, avoid_edited=False))
        starts = [
            start
            for start in range(len(target.row_ids) - BLOCK_ROWS + 1)
            if all(row in free for row in target.row_ids[start : start + BLOCK_ROWS])
        ]
        if not starts:
            return
        start = rng.choice(starts)
        block = target.row_ids[start : start + BLOCK_ROWS]
        del target.row_ids[start : start + BLOCK_ROWS]
        destination = rng.choice([index for index in range(len(target.row_ids) + 1) if index != start])
        target.row_ids[destination:destination] = block
        ledger.rows_used.update(block)


def duplicate_rows(target: Sheet, ledger: Ledger, rng: random.Random, count: int) -> None:
    """Copy rows. Each copy is a new row, placed right below its original."""
    candidates = free_rows(target, ledger, avoid_edited=True)
    for row in rng.sample(candidates, min(count, len(candidates))):
        copy = ledger.new_row_id()
        target.cells[copy] = dict(target.cells[row])
        target.row_ids.insert(target.row_ids.index(row) + 1, copy)
        ledger.rows_used.add(row)


def free_columns(target: Sheet, ledger: Ledger) -> list[str]:
    return [
        column
        for column in target.column_ids
        if column != ledger.protected_column
        and column not in ledger.columns_used
        and not column.startswith(ADDED_COLUMN_PREFIX)
    ]


def add_columns(target: Sheet, ledger: Ledger, rng: random.Random, count: int) -> None:
    """Add columns of numbers under a name the table does not have yet."""
    existing_names = {column_match_name(name) for name in target.names.values()}
    names = [name for name in ADDED_COLUMN_NAMES if column_match_name(name) not in existing_names]
    for name in rng.sample(names, min(count, len(names))):
        ledger.new_columns += 1
        column = f"{ADDED_COLUMN_PREFIX}{ledger.new_columns}"
        target.names[column] = name
        for row in target.row_ids:
            target.cells[row][column] = str(rng.randint(100, 99999))
        target.column_ids.insert(rng.randint(0, len(target.column_ids)), column)


def drop_columns(target: Sheet, ledger: Ledger, rng: random.Random, count: int) -> None:
    candidates = free_columns(target, ledger)
    for column in rng.sample(candidates, min(count, len(candidates))):
        target.column_ids.remove(column)
        ledger.columns_used.add(column)


def rename_columns(target: Sheet, ledger: Ledger, rng: random.Random, count: int) -> None:
    candidates = free_columns(target, ledger)
    for column in rng.sample(candidates, min(count, len(candidates))):
        target.names[column] = renamed_column_name(target.names[column])
        ledger.columns_used.add(column)


def move_columns(target: Sheet, ledger: Ledger, rng: random.Random, count: int) -> None:
    candidates = free_columns(target, ledger)
    for column in rng.sample(candidates, min(count, len(candidates))):
        position = target.column_ids.index(column)
        target.column_ids.pop(position)
        destination = rng.choice([index for index in range(len(target.column_ids) + 1) if index != position])
        target.column_ids.insert(destination, column)
        ledger.columns_used.add(column)


MUTATIONS = {
    "cell-edit": edit_cells,
    "tolerance-edit": edit_cells_below_tolerance,
    "whitespace-edit": pad_cells_with_whitespace,
    "row-insert": insert_rows,
    "row-delete": delete_rows,
    "row-move": move_rows,
    "block-move": move_blocks,
    "row-duplicate": duplicate_rows,
    "column-add": add_columns,
    "column-drop": drop_columns,
    "column-rename": rename_columns,
    "column-move": move_columns,
}


def mutation_count(operation: str, sheet: Sheet, protected_column: str | None, intensity: float) -> int:
    """Return the number of mutations that an intensity (in percent) means for an operation, at least 1.

    Cell edits count in cells that the edit applies to (numbers for
    tolerance edits, non-empty cells for whitespace edits), row operations
    in rows, block moves in blocks of BLOCK_ROWS rows, column operations in
    columns.
    """
    share = intensity / 100
    rows = len(sheet.row_ids)
    if operation in CELL_FILTERS:
        accept = CELL_FILTERS[operation]
        amount = share * sum(
            1
            for row in sheet.row_ids
            for column in sheet.column_ids
            if column != protected_column and accept(sheet.cells[row][column])
        )
    elif operation == "block-move":
        amount = share * rows / BLOCK_ROWS
    elif operation.startswith("row-"):
        amount = share * rows
    else:
        amount = share * len(sheet.column_ids)
    return max(1, round(amount))


# ---------------------------------------------------------------- cases


@dataclass
class DiffSets:
    """Row pairs, column pairs and changed cells by hidden ids: a case's truth, or a tool's output."""

    row_pairs: set[tuple[str, str]]
    column_pairs: set[tuple[str, str]]
    cells: set[tuple[str, str, str, str]]  # (baseline row, target row, baseline column, target column)


@dataclass
class Case:
    dataset: Dataset
    operation: str
    intensity: float
    target: Sheet
    truth: DiffSets
    tolerance: float


def build_case(dataset: Dataset, operation: str, intensity: float, seed: int) -> Case:
    rng = random.Random(f"{seed}:{dataset.name}:{operation}:{intensity}")
    baseline = dataset.sheet
    target = baseline.copy()
    unique_columns = {
        column for column in baseline.column_ids if len(set(baseline.column_values(column))) == len(baseline.row_ids)
    }
    ledger = Ledger(protected_column=dataset.key_column, unique_columns=unique_columns)
    for step in MIXED_ORDER if operation == "mixed" else [operation]:
        MUTATIONS[step](target, ledger, rng, mutation_count(step, baseline, dataset.key_column, intensity))
    truth = compute_truth(baseline, target, ledger)
    return Case(dataset, operation, intensity, target, truth, ledger.tolerance)


def compute_truth(baseline: Sheet, target: Sheet, ledger: Ledger) -> DiffSets:
    """Derive the expected pairs and changed cells, and check that nothing else changed."""
    baseline_rows = set(baseline.row_ids)
    baseline_columns = set(baseline.column_ids)
    rows = [row for row in target.row_ids if row in baseline_rows]
    columns = [column for column in target.column_ids if column in baseline_columns]
    cells = set()
    for row in rows:
        for column in columns:
            old = baseline.cells[row][column]
            new = target.cells[row][column]
            if (row, column) in ledger.edited_cells:
                cells.add((row, row, column, column))
            elif old != new and (row, column) not in ledger.quiet_cells:
                raise AssertionError(f"unrecorded change in row {row}, column {column}: {old!r} -> {new!r}")
    return DiffSets(
        row_pairs={(row, row) for row in rows},
        column_pairs={(column, column) for column in columns},
        cells=cells,
    )


@dataclass
class WrittenTable:
    """A sheet as written for the tools: CSV records and the ids of their rows and columns."""

    records: list[list[str]]  # header record, then data records
    row_ids: list[str]
    column_ids: list[str]
    data: bytes

    @property
    def header(self) -> list[str]:
        return self.records[0]


def write_table(sheet: Sheet, with_row_ids: bool) -> WrittenTable:
    column_ids = ([ROW_ID_COLUMN_ID] if with_row_ids else []) + sheet.column_ids
    header = ([ROW_ID_COLUMN] if with_row_ids else []) + [sheet.names[column] for column in sheet.column_ids]
    records = [header]
    for row in sheet.row_ids:
        values = [sheet.cells[row][column] for column in sheet.column_ids]
        records.append(([row] if with_row_ids else []) + values)
    if len({column_match_name(name) for name in header}) != len(header):
        raise AssertionError(f"header names repeat: {header}")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(records)
    return WrittenTable(records, list(sheet.row_ids), column_ids, buffer.getvalue().encode("utf-8"))


# ---------------------------------------------------------------- tools


@dataclass
class Reported:
    """A tool's output, by 0-based data row index and column position of the written files."""

    row_pairs: set[tuple[int, int]] = field(default_factory=set)
    column_pairs: set[tuple[int, int]] = field(default_factory=set)
    cells: set[tuple[int, int, int, int]] = field(default_factory=set)
    change_count: int = 0  # everything the tool reported as a difference
    note: str = ""


def run_docdiff(baseline: WrittenTable, target: WrittenTable, options: CompareOptions) -> Reported:
    left = load_table(baseline.data, "baseline.csv")
    right = load_table(target.data, "target.csv")
    for table, written in ((left, baseline), (right, target)):
        if table.header != written.header or table.height != len(written.row_ids):
            raise AssertionError(f"docdiff read {table.source} differently from how it was written")
    result = diff_tables(left, right, options)

    reported = Reported()
    for row in sheet_rows(left, right, result):
        if row.baseline is not None and row.target is not None:
            reported.row_pairs.add((row.baseline, row.target))
    target_names = {}
    for baseline_name, target_name in output_columns(result):
        if baseline_name is not None and target_name is not None:
            target_names[baseline_name] = target_name
            reported.column_pairs.add((left.header.index(baseline_name), right.header.index(target_name)))
    for change in result.changes:
        if change.baseline_row is None or change.target_row is None:
            continue
        b = change.baseline_row - left.first_data_row
        t = change.target_row - right.first_data_row
        for cell in change.cells:
            column_b = left.header.index(cell.column)
            column_t = right.header.index(target_names[cell.column])
            reported.cells.add((b, t, column_b, column_t))

    summary = result.summary
    reported.change_count = (
        len(result.changes)
        + summary.columns_added
        + summary.columns_removed
        + summary.columns_renamed
        + summary.columns_moved
        + int(summary.title_changed)
    )
    if result.key:
        reported.note = f"key {', '.join(result.key)} ({result.key_source})"
    else:
        reported.note = "content"
    return reported


def run_daff(baseline: WrittenTable, target: WrittenTable, tolerance: float) -> Reported:
    """Align with daff and read its highlighter output.

    Highlighter rows follow the target order, so every row except `---`
    stands for the next target row. A moved row shows at its target
    position, so its baseline row comes from the alignment (`b2a`, whose
    row 0 is the header).
    """
    flags = daff.CompareFlags()
    flags.show_unchanged = True
    flags.show_unchanged_columns = True
    flags.ignore_whitespace = True
    if tolerance:
        flags.ignore_epsilon = tolerance
    view_b = daff.PythonTableView([list(record) for record in baseline.records])
    view_t = daff.PythonTableView([list(record) for record in target.records])
    alignment = daff.Coopy.compareTables(view_b, view_t, flags).align()
    output = daff.PythonTableView([])
    daff.TableDiff(alignment, flags).hilite(output)

    schema = None
    for index, record in enumerate(output.data):
        if record[0] == "!":
            schema = record
        elif record[0] == "@@":
            header, body = record, output.data[index + 1 :]
            break
    else:
        raise AssertionError("daff output has no @@ header row")

    reported = Reported()
    column_pairs = {}  # output position -> (baseline position, target position)
    for position in range(1, len(header)):
        mark = schema[position] if schema else ""
        name = header[position]
        if mark in ("+++", "---"):
            reported.change_count += 1
            continue
        # A renamed column is marked `(old name)`, or `:(old name)` when it also moved.
        renamed = _DAFF_RENAME_MARK.fullmatch(mark)
        old_name = renamed.group(1) if renamed else name
        pair = (baseline.header.index(old_name), target.header.index(name))
        column_pairs[position] = pair
        reported.column_pairs.add(pair)
        reported.change_count += int(bool(mark))

    t = -1
    for record in body:
        action = record[0]
        if action == "...":
            raise AssertionError("daff left out unchanged rows despite show_unchanged")
        if action:
            reported.change_count += 1
        if action == "---":
            continue
        t += 1
        b = alignment.b2a(t + 1) - 1
        if action == "+++":
            if b >= 0:
                raise AssertionError(f"daff marks target row {t} added but aligns it to baseline row {b}")
            continue
        if b < 0:
            raise AssertionError(f"daff shows target row {t} as {action!r} but aligns it to nothing")
        reported.row_pairs.add((b, t))
        if "->" in action:
            arrow = action[action.index("-") :]
            for position, (column_b, column_t) in column_pairs.items():
                if arrow in record[position]:
                    reported.cells.add((b, t, column_b, column_t))
    if t + 1 != len(target.row_ids):
        raise AssertionError(f"daff output has {t + 1} target rows but the target file has {len(target.row_ids)}")
    return reported


def first_index_by_key(table: WrittenTable, key: str) -> dict[str, int]:
    position = table.header.index(key)
    indices: dict[str, int] = {}
    for index, record in enumerate(table.records[1:]):
        indices.setdefault(record[position], index)
    return indices


def last_index_by_key(table: WrittenTable, key: str) -> dict[str, int]:
    position = table.header.index(key)
    return {record[position]: index for index, record in enumerate(table.records[1:])}


def run_datacompy(baseline: WrittenTable, target: WrittenTable, key: str, tolerance: float) -> Reported:
    """Compare with datacompy on pandas frames as `read_csv` types them, trimming whitespace.

    Of rows with a repeated key, datacompy pairs the k-th on one side with
    the k-th on the other. Its output keeps no row position, so a key maps
    to its first row on each side.
    """
    frame_b = pd.read_csv(io.BytesIO(baseline.data))
    frame_t = pd.read_csv(io.BytesIO(target.data))
    comparison = PandasCompare(
        frame_b,
        frame_t,
        join_columns=[key],
        abs_tol=tolerance,
        ignore_spaces=True,
        cast_column_names_lower=False,
    )
    rows_b = first_index_by_key(baseline, key)
    rows_t = first_index_by_key(target, key)

    reported = Reported()
    shared = list(comparison.intersect_columns())
    for name in shared:
        reported.column_pairs.add((baseline.header.index(name), target.header.index(name)))
    compared = [name for name in shared if name != key]
    for _, row in comparison.intersect_rows.iterrows():
        b, t = rows_b[str(row[key])], rows_t[str(row[key])]
        reported.row_pairs.add((b, t))
        for name in compared:
            if not row[f"{name}_match"]:
                reported.cells.add((b, t, baseline.header.index(name), target.header.index(name)))
    reported.change_count = (
        len(reported.cells)
        + len(comparison.df1_unq_rows)
        + len(comparison.df2_unq_rows)
        + len(comparison.df1_unq_columns())
        + len(comparison.df2_unq_columns())
    )
    return reported


def run_csv_diff(baseline: WrittenTable, target: WrittenTable, key: str) -> Reported:
    """Compare with csv-diff. Of rows with a repeated key, `load_csv` keeps the last one."""
    previous = csv_diff.load_csv(io.StringIO(baseline.data.decode("utf-8"), newline=""), key=key, dialect="excel")
    current = csv_diff.load_csv(io.StringIO(target.data.decode("utf-8"), newline=""), key=key, dialect="excel")
    result = csv_diff.compare(previous, current)
    rows_b = last_index_by_key(baseline, key)
    rows_t = last_index_by_key(target, key)

    reported = Reported()
    for name in baseline.header:
        if name in target.header:
            reported.column_pairs.add((baseline.header.index(name), target.header.index(name)))
    for value in previous.keys() & current.keys():
        reported.row_pairs.add((rows_b[value], rows_t[value]))
    for change in result["changed"]:
        b, t = rows_b[change["key"]], rows_t[change["key"]]
        for name in change["changes"]:
            reported.cells.add((b, t, baseline.header.index(name), target.header.index(name)))
    reported.change_count = len(reported.cells) + sum(
        len(result[part]) for part in ("added", "removed", "columns_added", "columns_removed")
    )
    return reported


@dataclass
class CaseFiles:
    """The two versions as written for the tools without a key (plain) and with the true key (keyed)."""

    plain: tuple[WrittenTable, WrittenTable]
    keyed: tuple[WrittenTable, WrittenTable]
    key: str  # name of the true key column in the keyed files

    def for_tool(self, tool: str) -> tuple[WrittenTable, WrittenTable]:
        return self.keyed if tool in KEYED_TOOLS else self.plain


def write_case_files(dataset: Dataset, target: Sheet) -> CaseFiles:
    """Write both versions. Datasets without a key column get the row id as a key column `rid`."""
    with_row_ids = DATASETS[dataset.name] is None
    return CaseFiles(
        plain=(write_table(dataset.sheet, False), write_table(target, False)),
        keyed=(write_table(dataset.sheet, with_row_ids), write_table(target, with_row_ids)),
        key=DATASETS[dataset.name] or ROW_ID_COLUMN,
    )


def run_tool(tool: str, files: CaseFiles, tolerance: float) -> Reported:
    baseline, target = files.for_tool(tool)
    key = files.key
    if tool == "docdiff":
        return run_docdiff(baseline, target, CompareOptions(numeric_tolerance=tolerance))
    if tool == "docdiff-content":
        return run_docdiff(baseline, target, CompareOptions(auto_key=False, numeric_tolerance=tolerance))
    if tool == "docdiff-key":
        return run_docdiff(baseline, target, CompareOptions(key=[key], numeric_tolerance=tolerance))
    if tool == "daff":
        return run_daff(baseline, target, tolerance)
    if tool == "datacompy":
        return run_datacompy(baseline, target, key, tolerance)
    if tool == "csv-diff":
        return run_csv_diff(baseline, target, key)
    raise ValueError(f"unknown tool {tool!r}; expected one of {', '.join(TOOLS)}")


# ---------------------------------------------------------------- scoring


@dataclass
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        reported = self.true_positives + self.false_positives
        return self.true_positives / reported if reported else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def score(reported: set, expected: set) -> Score:
    return Score(len(reported & expected), len(reported - expected), len(expected - reported))


def identical_row_swaps(own: WrittenTable, other: WrittenTable, partners: dict[int, int]) -> dict[int, int]:
    """Map each row of a group of identical rows to the copy that the truth pairs with its partner.

    Identical rows are indistinguishable, so a tool that pairs a baseline row
    with the copy instead of the original is as right as one that does not.
    The mapping permutes rows only within such groups.
    """
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, record in enumerate(own.records[1:]):
        groups[tuple(record)].append(index)
    swaps = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        by_id = {own.row_ids[member]: member for member in members}
        free = set(members)
        assigned = {}
        for member in members:
            partner = partners.get(member)
            matching_copy = by_id.get(other.row_ids[partner]) if partner is not None else None
            if matching_copy in free:
                assigned[member] = matching_copy
                free.discard(matching_copy)
        rest = [member for member in members if member not in assigned]
        assigned.update(zip(rest, sorted(free)))
        swaps.update(assigned)
    return swaps


def reported_by_ids(reported: Reported, baseline: WrittenTable, target: WrittenTable) -> DiffSets:
    """Translate a tool's output to hidden ids, after swapping identical rows (see identical_row_swaps)."""
    target_swaps = identical_row_swaps(target, baseline, {t: b for b, t in reported.row_pairs})
    row_pairs = {(b, target_swaps.get(t, t)) for b, t in reported.row_pairs}
    baseline_swaps = identical_row_swaps(baseline, target, {b: t for b, t in row_pairs})

    def row_ids(b: int, t: int) -> tuple[str, str]:
        return baseline.row_ids[baseline_swaps.get(b, b)], target.row_ids[target_swaps.get(t, t)]

    def data_columns(column_b: int, column_t: int) -> tuple[str, str] | None:
        ids = baseline.column_ids[column_b], target.column_ids[column_t]
        return None if ROW_ID_COLUMN_ID in ids else ids

    columns = {data_columns(*pair) for pair in reported.column_pairs} - {None}
    cells = set()
    for b, t, column_b, column_t in reported.cells:
        column_ids = data_columns(column_b, column_t)
        if column_ids is not None:
            cells.add((*row_ids(b, t), *column_ids))
    return DiffSets(row_pairs={row_ids(b, t) for b, t in reported.row_pairs}, column_pairs=columns, cells=cells)


@dataclass
class Outcome:
    scores: dict[str, Score]  # metric -> score
    note: str


def evaluate(case: Case, tools: list[str]) -> dict[str, Outcome]:
    """Run every tool on a case and score its output against the truth."""
    files = write_case_files(case.dataset, case.target)
    outcomes = {}
    for tool in tools:
        reported = run_tool(tool, files, case.tolerance)
        found = reported_by_ids(reported, *files.for_tool(tool))
        outcomes[tool] = Outcome(
            scores={
                "cells": score(found.cells, case.truth.cells),
                "rows": score(found.row_pairs, case.truth.row_pairs),
                "columns": score(found.column_pairs, case.truth.column_pairs),
            },
            note=reported.note,
        )
    return outcomes


def count_changes_on_equal_inputs(dataset: Dataset, tools: list[str]) -> dict[str, tuple[int, str]]:
    """Compare the baseline with itself and return (changes reported, note) per tool."""
    files = write_case_files(dataset, dataset.sheet)
    counts = {}
    for tool in tools:
        reported = run_tool(tool, files, 0.0)
        counts[tool] = (reported.change_count, reported.note)
    return counts


# ---------------------------------------------------------------- output


def format_intensity(intensity: float) -> str:
    return f"{intensity:g} %"


def print_case(case: Case, outcomes: dict[str, Outcome]) -> None:
    truth = case.truth
    tolerance = f", numeric_tolerance {case.tolerance:g}" if case.tolerance else ""
    print(
        f"\n{case.dataset.name} · {format_intensity(case.intensity)} · {case.operation}: "
        f"{len(truth.cells)} changed cells, {len(truth.row_pairs)} row pairs, "
        f"{len(truth.column_pairs)} column pairs{tolerance}"
    )
    heading = "".join(f" | {metric:<7}    P     R    F1  fp  fn" for metric in METRICS)
    print(f"  {'tool':<16}{heading} | note")
    for tool, outcome in outcomes.items():
        line = f"  {tool:<16}"
        for metric in METRICS:
            result = outcome.scores[metric]
            line += (
                f" | {'':<7}{result.precision:5.3f} {result.recall:5.3f} {result.f1:5.3f}"
                f" {result.false_positives:3d} {result.false_negatives:3d}"
            )
        print(f"{line} | {outcome.note}")


def print_summary(results: dict, datasets: list[str], intensities: list[float], tools: list[str]) -> None:
    """Print F1 per operation and tool as Markdown tables, one per dataset and intensity."""
    operations = [operation for operation in OPERATIONS if any(key[2] == operation for key in results)]
    for dataset in datasets:
        for intensity in intensities:
            print(f"\n### {dataset}, {format_intensity(intensity)}: F1 of cells / rows / columns\n")
            print("| operation | " + " | ".join(tools) + " |")
            print("|---" * (len(tools) + 1) + "|")
            for operation in operations:
                outcomes = results[(dataset, intensity, operation)]
                cells = [
                    "/".join(f"{outcomes[tool].scores[metric].f1:.3f}" for metric in METRICS) for tool in tools
                ]
                print(f"| {operation} | " + " | ".join(cells) + " |")


@dataclass
class TargetCheck:
    name: str
    failures: list[str]
    skipped: str = ""


def check_targets(results: dict, equal_counts: dict, intensities: list[float], tools: list[str]) -> list[TargetCheck]:
    checks = []
    at_target = {key: outcomes for key, outcomes in results.items() if key[1] == TARGET_INTENSITY}
    skip = "" if TARGET_INTENSITY in intensities else f"{format_intensity(TARGET_INTENSITY)} intensity not run"

    if "docdiff" in tools:
        failures = []
        for (dataset, _, operation), outcomes in sorted(at_target.items()):
            for metric in METRICS:
                f1 = outcomes["docdiff"].scores[metric].f1
                if f1 < TARGET_MIN_F1:
                    failures.append(f"{dataset} {operation} {metric}: F1 {f1:.3f}")
        checks.append(
            TargetCheck(
                f"docdiff without a key: F1 >= {TARGET_MIN_F1} on every operation at "
                f"{format_intensity(TARGET_INTENSITY)}",
                failures,
                skip,
            )
        )
    if "docdiff" in tools and "daff" in tools:
        failures = []
        for (dataset, _, operation), outcomes in sorted(at_target.items()):
            for metric in METRICS:
                ours = outcomes["docdiff"].scores[metric].f1
                theirs = outcomes["daff"].scores[metric].f1
                if ours < theirs:
                    failures.append(f"{dataset} {operation} {metric}: docdiff {ours:.3f} < daff {theirs:.3f}")
        checks.append(
            TargetCheck(
                f"docdiff without a key: F1 >= daff on every operation at {format_intensity(TARGET_INTENSITY)}",
                failures,
                skip,
            )
        )
    if "docdiff-key" in tools:
        failures = []
        for (dataset, intensity, operation), outcomes in sorted(results.items()):
            for metric in METRICS:
                f1 = outcomes["docdiff-key"].scores[metric].f1
                if f1 < 1.0:
                    failures.append(f"{dataset} {format_intensity(intensity)} {operation} {metric}: F1 {f1:.3f}")
        checks.append(TargetCheck("docdiff with the true key: F1 = 1.0 everywhere", failures))
    failures = [
        f"{dataset} {tool}: {count} changes"
        for dataset, counts in equal_counts.items()
        for tool, (count, _) in counts.items()
        if tool.startswith("docdiff") and count
    ]
    checks.append(TargetCheck("docdiff on equal inputs: no change reported", failures))
    return checks


def print_checks(checks: list[TargetCheck]) -> None:
    print("\n## Targets\n")
    for check in checks:
        if check.skipped:
            print(f"SKIP  {check.name} ({check.skipped})")
            continue
        print(f"{'PASS' if not check.failures else 'FAIL'}  {check.name}")
        for failure in check.failures:
            print(f"      - {failure}")


def print_auto_keys(results: dict) -> None:
    """Print which alignment docdiff chose by itself (a key it found, or content), per dataset."""
    print("\n## Alignment docdiff chose without a key\n")
    cases: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    operations: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for (dataset, _, operation), outcomes in results.items():
        if "docdiff" not in outcomes:
            continue
        choice = outcomes["docdiff"].note
        cases[dataset][choice] += 1
        if operation not in operations[dataset][choice]:
            operations[dataset][choice].append(operation)
    for dataset, by_choice in cases.items():
        for choice, count in by_choice.items():
            print(f"{dataset}: {choice} in {count} cases, of {', '.join(operations[dataset][choice])}")


def print_equal_counts(equal_counts: dict) -> None:
    print("\n## Equal inputs: changes reported when both files are the baseline\n")
    for dataset, counts in equal_counts.items():
        listed = ", ".join(f"{tool} {count}" + (f" ({note})" if note else "") for tool, (count, note) in counts.items())
        print(f"{dataset}: {listed}")


# ---------------------------------------------------------------- main


def intensity_percent(text: str) -> float:
    value = float(text)
    if not 0 < value <= 100:
        raise argparse.ArgumentTypeError(f"invalid intensity {text!r}: expected a percentage above 0 and at most 100")
    return value


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1, help="seed of the mutations (default: 1)")
    parser.add_argument(
        "--intensity",
        type=intensity_percent,
        action="append",
        help="share of cells, rows or columns to mutate, in percent, repeatable (default: 0.1, 1 and 10)",
    )
    parser.add_argument(
        "--dataset", action="append", choices=list(DATASETS), help="dataset to run, repeatable (default: all)"
    )
    parser.add_argument(
        "--operation", action="append", choices=OPERATIONS, help="operation to run, repeatable (default: all)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"run only the {TARGET_INTENSITY:g} %% intensity that the targets check",
    )
    parser.add_argument(
        "--documents", type=Path, default=DOCUMENTS, help=f"folder of the datasets (default: {DOCUMENTS})"
    )
    return parser.parse_args()


def main() -> int:
    arguments = parse_arguments()
    intensities = [TARGET_INTENSITY] if arguments.quick else (arguments.intensity or DEFAULT_INTENSITIES)
    dataset_names = arguments.dataset or list(DATASETS)
    operations = arguments.operation or OPERATIONS
    datasets = [load_dataset(name, arguments.documents) for name in dataset_names]
    started = time.perf_counter()

    results = {}
    for dataset in datasets:
        for intensity in intensities:
            for operation in operations:
                case = build_case(dataset, operation, intensity, arguments.seed)
                outcomes = evaluate(case, TOOLS)
                results[(dataset.name, intensity, operation)] = outcomes
                print_case(case, outcomes)
    equal_counts = {dataset.name: count_changes_on_equal_inputs(dataset, TOOLS) for dataset in datasets}

    print_summary(results, dataset_names, intensities, TOOLS)
    print_auto_keys(results)
    print_equal_counts(equal_counts)
    checks = check_targets(results, equal_counts, intensities, TOOLS)
    print_checks(checks)
    print(f"\nseed {arguments.seed}, {len(results)} cases in {time.perf_counter() - started:.1f} s")
    return 1 if any(check.failures for check in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
