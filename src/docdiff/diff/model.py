"""The diff payload: the pydantic models that the API, the CLI and the web page share."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

Model = TypeVar("Model", bound=BaseModel)
_set_attribute = object.__setattr__


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects that hold no cycles.

    Each collection scans every object built so far, which more than
    doubled the time to build a payload of half a million objects.
    Reference counting still frees them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@cache
def _field_names(cls: type[BaseModel]) -> tuple[str, ...]:
    return tuple(cls.model_fields)


def trusted(cls: type[Model], **values: object) -> Model:
    """Build a model from values that already have the field types, without validation.

    The diff builds one object per changed row and cell, so it needs this
    to be cheap. `model_construct` does the same but resolves aliases and
    defaults field by field, at about three times the cost; here every
    field must be given.
    """
    names = _field_names(cls)
    if len(values) != len(names):
        missing = sorted(set(names) - set(values))
        raise TypeError(f"missing fields for {cls.__name__}: {missing}; pass every field")
    model = cls.__new__(cls)
    # In field order, which is the order of the model's JSON.
    _set_attribute(model, "__dict__", {name: values[name] for name in names})
    _set_attribute(model, "__pydantic_fields_set__", set(names))
    _set_attribute(model, "__pydantic_extra__", None)
    _set_attribute(model, "__pydantic_private__", None)
    return model


class CompareOptions(BaseModel):
    """Options for aligning rows and normalising cells before they are compared."""

    model_config = ConfigDict(extra="forbid", strict=True)

    key: list[str] = Field(
        default_factory=list,
        description="Columns that identify a row. Empty: rows are aligned by content.",
    )
    trim_whitespace: bool = Field(
        True, description="Ignore spaces and line breaks at the start and end of a cell."
    )
    ignore_case: bool = Field(False, description="Compare text case-insensitively.")
    numbers_by_value: bool = Field(
        True, description="Compare numbers by value: `1,000` equals `1000`, `90%` equals `0.9`."
    )
    dates_by_value: bool = Field(
        True,
        description="Compare dates by value: `2025/5/27`, `2025-05-27`, `2025年5月27日` and an "
        "Excel date cell are equal.",
    )
    stars_by_value: bool = Field(True, description="Compare star ratings by value: `★★★☆☆` equals `3`.")
    numeric_tolerance: float = Field(
        0.0, ge=0.0, allow_inf_nan=False, description="Numbers that differ by at most this much are equal."
    )
    ignore_columns: list[str] = Field(
        default_factory=list, description="Columns left out of the comparison."
    )
    auto_key: bool = Field(
        True,
        description="Without `key`, look for a column that is unique and non-empty on both sides "
        "(such as `Symbol` or `序号`) and align rows by it.",
    )
    detect_renames: bool = Field(
        True, description="Pair columns that only one side has by their values, as renamed columns."
    )
    similarity_threshold: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Minimum similarity (the mean of the plain and the rarity-weighted share of "
        "equal cells) for two unmatched rows to be paired as one modified row; below it they "
        "are a removed and an added row.",
    )


class SheetInfo(BaseModel):
    """Description of one side as it was read."""

    source: str = Field(description="File name or document URL.")
    format: Literal["csv", "xlsx"]
    sheet: str | None = Field(None, description="Sheet name, for XLSX.")
    encoding: str | None = Field(None, description="Detected text encoding, for CSV.")
    title: str | None = Field(None, description="Title row above the header, if any.")
    header: list[str] = Field(description="Column names, sub-headers joined to their group with `/`.")
    header_rows: list[int] = Field(description="Spreadsheet row numbers of the header rows.")
    rows: int = Field(description="Data rows, without title and header.")
    columns: int


class CellChange(BaseModel):
    column: str = Field(description="Column name as the baseline names it.")
    baseline_cell: str = Field(description="A1 address on the baseline side.")
    target_cell: str = Field(description="A1 address on the target side.")
    old: str
    new: str


class RowChange(BaseModel):
    kind: Literal["added", "removed", "modified", "moved"]
    baseline_row: int | None = Field(None, description="Row number on the baseline side.")
    target_row: int | None = Field(None, description="Row number on the target side.")
    moved: bool = Field(
        False, description="The row's position relative to the unchanged rows changed."
    )
    similarity: float | None = Field(
        None, description="Share of equal cells, for rows paired by content."
    )
    cells: list[CellChange] = Field(default_factory=list)
    values: dict[str, str] | None = Field(
        None, description="The row's cells, for added and removed rows."
    )


class ColumnRename(BaseModel):
    baseline: str
    target: str


class SheetRename(BaseModel):
    """A baseline sheet matched, by its content, with a target sheet of another name."""

    baseline: str
    target: str


class Summary(BaseModel):
    rows_added: int = 0
    rows_removed: int = 0
    rows_modified: int = 0
    rows_moved: int = 0
    rows_unchanged: int = 0
    cells_modified: int = 0
    columns_added: int = 0
    columns_removed: int = 0
    columns_renamed: int = 0
    columns_moved: int = 0
    title_changed: bool = False

    @property
    def has_differences(self) -> bool:
        return bool(
            self.rows_added
            or self.rows_removed
            or self.rows_modified
            or self.rows_moved
            or self.columns_added
            or self.columns_removed
            or self.columns_renamed
            or self.columns_moved
            or self.title_changed
        )


class DiffResult(BaseModel):
    summary: Summary
    baseline: SheetInfo
    target: SheetInfo
    key: list[str] = Field(
        default_factory=list, description="Key columns used to align rows; empty when aligned by content."
    )
    key_source: Literal["user", "auto"] | None = Field(
        None, description="`user` when the request named the key, `auto` when it was found."
    )
    alignment: Literal["key", "content"]
    columns_added: list[str] = Field(default_factory=list)
    columns_removed: list[str] = Field(default_factory=list)
    columns_renamed: list[ColumnRename] = Field(default_factory=list)
    columns_moved: list[str] = Field(
        default_factory=list, description="Baseline names of columns whose position changed."
    )
    changes: list[RowChange] = Field(default_factory=list)
    options: CompareOptions
    other_sheets: list["DiffResult"] = Field(
        default_factory=list, description="Results of the other matched sheets of a workbook."
    )
    sheets_added: list[str] = Field(default_factory=list, description="Target sheets no baseline sheet matched.")
    sheets_removed: list[str] = Field(default_factory=list, description="Baseline sheets no target sheet matched.")
    sheets_renamed: list[SheetRename] = Field(
        default_factory=list, description="Matched sheets whose names differ, in baseline order."
    )

    @property
    def has_differences(self) -> bool:
        """Whether anything differs: this sheet, another matched sheet, or the set of sheets."""
        return (
            self.summary.has_differences
            or bool(self.sheets_added or self.sheets_removed or self.sheets_renamed)
            or any(sheet.has_differences for sheet in self.other_sheets)
        )
