"""Compare two loaded tables and build the diff payload.

Columns are matched by `columns` (names, then renames by content). Rows are
aligned by the user's key, a key found by `keys`, or content (`align`).
Pairs whose row hashes differ are then compared cell by cell, vectorised
per column: as text first, then with the value rules on the cells that
differ as text. `compare_tables` keeps the result in polars frames
(`TableDiff`); only `TableDiff.to_result` turns the differences into
Python objects, one per changed row and cell.
"""

from dataclasses import dataclass
from typing import Literal

import polars as pl

from docdiff.diff.align import Rows, align_by_key, exact_anchors, longest_increasing_mask, pair_leftovers
from docdiff.diff.columns import ColumnMatch, column_match_name, match_columns, renames_by_rows
from docdiff.diff.keys import find_key
from docdiff.diff.load import Table
from docdiff.diff.model import (
    CellChange,
    ColumnRename,
    CompareOptions,
    DiffResult,
    RowChange,
    SheetInfo,
    Summary,
    gc_paused,
    trusted,
)
from docdiff.diff.normalize import currencies_differ, numeric_value, value_frame
from docdiff.errors import InvalidRequest


def _resolve_columns(names: list[str], pairs: list[tuple[str, str]], kind: str) -> list[tuple[str, str]]:
    resolved = []
    for name in names:
        if not name.strip():
            raise InvalidRequest(reason=f"empty_{kind}", available=", ".join(pair[0] for pair in pairs))
        wanted = column_match_name(name)
        found = next(
            (pair for pair in pairs if wanted in (column_match_name(pair[0]), column_match_name(pair[1]))),
            None,
        )
        if found is None:
            available = ", ".join(pair[0] for pair in pairs)
            raise InvalidRequest(reason=f"unknown_{kind}", name=name, available=available)
        resolved.append(found)
    return resolved


def cells_to_compare(table: Table, columns: list[str]) -> pl.DataFrame:
    """Return the cells to compare, as they are, renamed `k0..kN` in the order of `columns`."""
    if not columns:
        return pl.DataFrame(schema={})
    return table.data.select(pl.col(name).alias(f"k{i}") for i, name in enumerate(columns))


def sheet_info(table: Table) -> SheetInfo:
    return SheetInfo(
        source=table.source,
        format=table.format,
        sheet=table.sheet,
        encoding=table.encoding,
        title=table.title,
        header=table.header,
        header_rows=table.header_rows,
        rows=table.height,
        columns=len(table.header),
    )


@dataclass
class TableDiff:
    """The diff of two tables in columnar form, before any payload object exists.

    `pairs` has one row per matched pair of rows (`b`, `t`, `similarity`,
    `moved`), sorted by `b`. `cells` has one row per differing cell of a
    pair (`pair`, the pair's row in `pairs`; `column`, its position in
    `compared`; `old` and `new`, the cells as they are), sorted by `pair`
    and `column`. Rows in no pair were removed or added.
    Everything a report needs is here; `to_result` builds the payload.
    """

    baseline: Table
    target: Table
    options: CompareOptions
    columns: ColumnMatch
    compared: list[tuple[str, str]]
    key: list[str]
    key_source: Literal["user", "auto"] | None
    pairs: pl.DataFrame
    cells: pl.DataFrame

    def removed(self) -> pl.Series:
        """Return the baseline indices of the rows in no pair."""
        return _unmatched_series(self.baseline.height, self.pairs["b"])

    def added(self) -> pl.Series:
        """Return the target indices of the rows in no pair."""
        return _unmatched_series(self.target.height, self.pairs["t"])

    def _reported_pairs(self) -> pl.DataFrame:
        """Return the pairs that moved or differ in a cell, with their row in `pairs` as `pair`."""
        return self.pairs.with_row_index("pair").filter(
            pl.col("moved") | pl.col("pair").is_in(self.cells["pair"].implode())
        )

    def summary(self) -> Summary:
        return Summary(
            rows_added=self.target.height - self.pairs.height,
            rows_removed=self.baseline.height - self.pairs.height,
            rows_modified=self.cells["pair"].n_unique() if self.cells.height else 0,
            rows_moved=int(self.pairs["moved"].sum()),
            rows_unchanged=self.pairs.height - self._reported_pairs().height,
            cells_modified=self.cells.height,
            columns_added=len(self.columns.added),
            columns_removed=len(self.columns.removed),
            columns_renamed=len(self.columns.renamed),
            columns_moved=len(self.columns.moved),
            title_changed=(self.baseline.title or "") != (self.target.title or ""),
        )

    def cell_values(self) -> pl.DataFrame:
        """Return every differing cell with its addresses and original values, in the order of `cells`.

        Columns: `pair`, `b`, `t`, `column` (the baseline name),
        `baseline_cell`, `target_cell`, `old` and `new`.
        """
        baseline_names = [b for b, _ in self.compared]
        baseline_letters = [self.baseline.letter(name) for name in baseline_names]
        target_letters = [self.target.letter(name) for _, name in self.compared]

        def per_column(values: list[str]) -> pl.Expr:
            return pl.lit(pl.Series(values, dtype=pl.String)).gather(pl.col("column"))

        located = self.cells.lazy().with_columns(
            pl.lit(self.pairs["b"]).gather(pl.col("pair")).alias("b"),
            pl.lit(self.pairs["t"]).gather(pl.col("pair")).alias("t"),
        )
        return located.select(
            "pair",
            "b",
            "t",
            per_column(baseline_names).alias("column"),
            pl.concat_str(
                per_column(baseline_letters), (pl.col("b") + self.baseline.first_data_row).cast(pl.String)
            ).alias("baseline_cell"),
            pl.concat_str(
                per_column(target_letters), (pl.col("t") + self.target.first_data_row).cast(pl.String)
            ).alias("target_cell"),
            "old",
            "new",
        ).collect()

    def to_result(self) -> DiffResult:
        """Build the pydantic payload: one `RowChange` per changed row, in target order."""
        with gc_paused():
            changes = self._row_changes()
        return DiffResult(
            summary=self.summary(),
            baseline=sheet_info(self.baseline),
            target=sheet_info(self.target),
            key=self.key,
            key_source=self.key_source,
            alignment="key" if self.key else "content",
            columns_added=self.columns.added,
            columns_removed=self.columns.removed,
            columns_renamed=[ColumnRename(baseline=b, target=t) for b, t in self.columns.renamed],
            columns_moved=self.columns.moved,
            changes=changes,
            options=self.options,
        )

    def _row_changes(self) -> list[RowChange]:
        cells = self._cell_changes()
        removed = self.removed()
        added = self.added()
        rows = pl.concat(
            [
                self._reported_pairs().select(
                    pl.lit("pair").alias("kind"),
                    pl.col("pair").cast(pl.Int64),
                    pl.col("b").cast(pl.Int64),
                    pl.col("t").cast(pl.Int64),
                    "similarity",
                    "moved",
                    pl.col("t").cast(pl.Float64).alias("place"),
                ),
                pl.DataFrame({"b": removed.cast(pl.Int64), "place": self._removed_places(removed)}).select(
                    pl.lit("removed").alias("kind"),
                    pl.lit(None, pl.Int64).alias("pair"),
                    "b",
                    pl.lit(None, pl.Int64).alias("t"),
                    pl.lit(None, pl.Float64).alias("similarity"),
                    pl.lit(False).alias("moved"),
                    "place",
                ),
                pl.DataFrame({"t": added.cast(pl.Int64)}).select(
                    pl.lit("added").alias("kind"),
                    pl.lit(None, pl.Int64).alias("pair"),
                    pl.lit(None, pl.Int64).alias("b"),
                    "t",
                    pl.lit(None, pl.Float64).alias("similarity"),
                    pl.lit(False).alias("moved"),
                    pl.col("t").cast(pl.Float64).alias("place"),
                ),
            ]
        ).sort("place", maintain_order=True)

        removed_values = _whole_rows(self.baseline, removed)
        added_values = _whole_rows(self.target, added)
        first_b = self.baseline.first_data_row
        first_t = self.target.first_data_row
        changes = []
        # Built without validation (`trusted`): every field comes from this module's own typed values.
        for kind, pair, b, t, score, moved, _ in rows.iter_rows():
            if kind == "pair":
                changed = cells.get(pair, [])
                change = trusted(
                    RowChange,
                    kind="modified" if changed else "moved",
                    baseline_row=first_b + b,
                    target_row=first_t + t,
                    moved=moved,
                    similarity=round(score, 4) if score is not None else None,
                    cells=changed,
                    values=None,
                )
            elif kind == "removed":
                change = _whole_row("removed", first_b + b, None, removed_values[b])
            else:
                change = _whole_row("added", None, first_t + t, added_values[t])
            changes.append(change)
        return changes

    def _removed_places(self, removed: pl.Series) -> pl.Series:
        """Place each removed row just after the target row of the matched baseline row above it."""
        if self.pairs.height == 0:
            return pl.repeat(-0.5, removed.len(), dtype=pl.Float64, eager=True)
        above = self.pairs["b"].search_sorted(removed, side="left").cast(pl.Int64) - 1
        after = self.pairs["t"].cast(pl.Float64).gather(above.clip(0)) + 0.5
        return pl.select(pl.when(above < 0).then(-0.5).otherwise(after)).to_series()

    def _cell_changes(self) -> dict[int, list[CellChange]]:
        cells: dict[int, list[CellChange]] = {}
        values = self.cell_values().select("pair", "column", "baseline_cell", "target_cell", "old", "new")
        for pair, column, baseline_cell, target_cell, old, new in values.iter_rows():
            change = trusted(
                CellChange,
                column=column, baseline_cell=baseline_cell, target_cell=target_cell, old=old, new=new
            )
            if pair in cells:
                cells[pair].append(change)
            else:
                cells[pair] = [change]
        return cells


CHANGED_SCHEMA = {"pair": pl.UInt32, "column": pl.UInt32, "old": pl.String, "new": pl.String}


def _unmatched_series(height: int, matched: pl.Series) -> pl.Series:
    """Return the indices below `height` that `matched` does not contain, ascending."""
    is_matched = pl.repeat(False, height, dtype=pl.Boolean, eager=True)
    if matched.len():
        is_matched.scatter(matched, True)
    return (~is_matched).arg_true().cast(pl.UInt32)


def _whole_rows(table: Table, indices: pl.Series) -> dict[int, dict[str, str]]:
    rows = table.data[indices].rows() if indices.len() else []
    return {index: dict(zip(table.header, row)) for index, row in zip(indices.to_list(), rows)}


def _whole_row(kind: str, baseline_row: int | None, target_row: int | None, values: dict[str, str]) -> RowChange:
    return trusted(
        RowChange,
        kind=kind,
        baseline_row=baseline_row,
        target_row=target_row,
        moved=False,
        similarity=None,
        cells=[],
        values=values,
    )


def compare_tables(baseline: Table, target: Table, options: CompareOptions | None = None) -> TableDiff:
    """Align `target` with `baseline` and find every differing cell, in columnar form."""
    options = options or CompareOptions()
    columns = match_columns(baseline.data, target.data, options)
    key = _resolve_columns(options.key, columns.pairs, "key")
    ignored = _resolve_columns(options.ignore_columns, columns.pairs, "ignored")
    compared = [pair for pair in columns.pairs if pair not in ignored]

    left = cells_to_compare(baseline, [b for b, _ in compared])
    right = cells_to_compare(target, [t for _, t in compared])
    key_source = "user" if key else None
    if not key and options.auto_key and compared:
        found = find_key(left, right)
        key = [compared[int(name[1:])] for name in found]
        key_source = "auto" if key else None

    matched = _align_rows(left, right, [f"k{compared.index(pair)}" for pair in key], key_source, options)
    matched = matched.with_columns(longest_increasing_mask(matched["t"]).not_().alias("moved"))
    if options.detect_renames:
        with_renames = renames_by_rows(baseline.data, target.data, columns, matched, options)
        if with_renames is not columns:
            columns = with_renames
            compared = [pair for pair in columns.pairs if pair not in ignored]
            left = cells_to_compare(baseline, [b for b, _ in compared])
            right = cells_to_compare(target, [t for _, t in compared])
    return TableDiff(
        baseline=baseline,
        target=target,
        options=options,
        columns=columns,
        compared=compared,
        key=[b for b, _ in key],
        key_source=key_source,
        pairs=matched,
        cells=_changed_cells(left, right, matched, options),
    )


def diff_tables(baseline: Table, target: Table, options: CompareOptions | None = None) -> DiffResult:
    """Compare `target` against `baseline` and return every row and cell change."""
    return compare_tables(baseline, target, options).to_result()


def _align_rows(
    left: pl.DataFrame, right: pl.DataFrame, key: list[str], key_source: str | None, options: CompareOptions
) -> pl.DataFrame:
    """Match rows as text first, then again with the value rules on the rows left over.

    A user's key is strict: rows whose key matches nothing are removed or
    added. Otherwise rows left over are paired by similarity. Rows that
    matched as text need no rules, so only the rows left over, few when the
    sides are similar, are normalised.
    """
    first = align_by_key(left, right, key) if key else exact_anchors(left, right, left.columns)
    rest_b = _unmatched_series(left.height, first["b"])
    rest_t = _unmatched_series(right.height, first["t"])
    if rest_b.len() == 0 or rest_t.len() == 0:
        return first.sort("b")
    # A user's key needs only its own columns normalised, but pairing needs them all.
    columns = key if key_source == "user" else left.columns
    # Both sides in one frame, so each rule runs once per column.
    cells = pl.concat([left[rest_b].select(columns), right[rest_t].select(columns)])
    normalised = value_frame(cells, options)
    rows_b = Rows(normalised.head(rest_b.len()), rest_b)
    rows_t = Rows(normalised.tail(rest_t.len()), rest_t)
    # Rows the rules leave as they were cannot match now when they did not as text.
    second = first.clear() if normalised is cells else _match_rows(rows_b, rows_t, key)
    anchors = pl.concat([first, second]) if second.height else first
    if key_source == "user":
        return anchors.sort("b")
    return pair_leftovers(rows_b, rows_t, anchors, options.similarity_threshold, options.numeric_tolerance).sort("b")


def _match_rows(rows_b: Rows, rows_t: Rows, key: list[str]) -> pl.DataFrame:
    """Match the rows of `rows_b` and `rows_t` exactly (by key, or by all cells) and return their table indices."""
    if key:
        pairs = align_by_key(rows_b.frame, rows_t.frame, key)
    else:
        pairs = exact_anchors(rows_b.frame, rows_t.frame, rows_b.columns)
    return pairs.with_columns(b=rows_b.index.gather(pairs["b"]), t=rows_t.index.gather(pairs["t"]))


def _changed_cells(
    left: pl.DataFrame, right: pl.DataFrame, matched: pl.DataFrame, options: CompareOptions
) -> pl.DataFrame:
    """Return `pair`, `column`, `old` and `new` for every differing cell of the matched pairs.

    Pairs whose rows hash alike are equal (a 64-bit hash, so a collision
    that hides a change is about as likely as one in 10^19 pairs); only the
    other pairs are gathered. Their cells are compared as text first, all
    columns in one query, and only the cells that differ as text go through
    the value rules and the numeric tolerance.
    """
    if not left.columns or matched.height == 0:
        return pl.DataFrame(schema=CHANGED_SCHEMA)
    differing = (
        left.hash_rows().gather(matched["b"]) != right.hash_rows().gather(matched["t"])
    ).arg_true().cast(pl.UInt32)
    if differing.len() == 0:
        return pl.DataFrame(schema=CHANGED_SCHEMA)
    gathered = pl.concat(
        [
            left[matched["b"].gather(differing)].select(pl.all().name.prefix("old_")),
            right[matched["t"].gather(differing)].select(pl.all().name.prefix("new_")),
            differing.alias("pair").to_frame(),
        ],
        how="horizontal",
    ).lazy()
    candidates = pl.concat(
        gathered.filter(pl.col(f"old_{name}") != pl.col(f"new_{name}")).select(
            "pair",
            pl.lit(position, pl.UInt32).alias("column"),
            pl.col(f"old_{name}").alias("old"),
            pl.col(f"new_{name}").alias("new"),
        )
        for position, name in enumerate(left.columns)
    ).collect()
    if candidates.height == 0:
        return pl.DataFrame(schema=CHANGED_SCHEMA)
    differs = _differ_by_value(candidates["old"], candidates["new"], options)
    return candidates.filter(differs).sort("pair", "column")


def _differ_by_value(old: pl.Series, new: pl.Series, options: CompareOptions) -> pl.Series:
    """Return, per cell pair that differs as text, whether it still differs under the value rules."""
    # One column of both sides, so each rule runs once.
    both = value_frame(pl.DataFrame({"cell": pl.concat([old, new])}), options)["cell"]
    cells = pl.DataFrame({"old": both.head(old.len()), "new": both.tail(new.len())})
    differs = cells["old"] != cells["new"]
    if options.numeric_tolerance > 0:
        delta = cells.select((numeric_value(pl.col("old")) - numeric_value(pl.col("new"))).abs())
        differs = differs & ~(delta.to_series() <= options.numeric_tolerance).fill_null(False)
    if options.numbers_by_value:
        signs = pl.DataFrame({"old": old, "new": new}).select(currencies_differ(pl.col("old"), pl.col("new")))
        differs = differs | signs.to_series()
    return differs
