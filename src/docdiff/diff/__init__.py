"""Table diff library: load CSV/XLSX into polars, align rows and columns, report changes.

It imports nothing from the service, so the CLI runs it on local files.
"""

from docdiff.diff.compare import TableDiff, compare_tables, diff_tables
from docdiff.diff.load import Table, load_sheets, load_table
from docdiff.diff.workbook import diff_workbooks, match_sheets
from docdiff.diff.model import CellChange, CompareOptions, DiffResult, RowChange, SheetInfo, Summary

__all__ = [
    "CellChange",
    "CompareOptions",
    "DiffResult",
    "RowChange",
    "SheetInfo",
    "Summary",
    "Table",
    "TableDiff",
    "compare_tables",
    "diff_tables",
    "diff_workbooks",
    "load_sheets",
    "load_table",
    "match_sheets",
]
