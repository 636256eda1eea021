"""Compare two loaded tables and build the diff payload.

Columns are matched by `columns` (names, then renames by content). Rows are
aligned by the user's key, a key found by `keys`, or content (`align`).
Every matched pair is then compared cell by cell, vectorised per column:
as text first, then with the value rules on the cells that differ as text.
Only the differences become Python objects.
"""

from bisect import bisect_left

import polars as pl

from docdiff.diff.align import (
    align_by_key,
    exact_anchors,
    first_empty_pairs,
    longest_increasing_mask,
    pair_leftovers,
    unmatched,
)
from docdiff.diff.columns import ColumnMatch, column_match_name, match_columns
from docdiff.diff.keys import find_key
from docdiff.diff.load import Table, column_letter
from docdiff.diff.model import (
    CellChange,
    ColumnRename,
    CompareOptions,
    DiffResult,
    RowChange,
    SheetInfo,
    Summary,
)
from docdiff.diff.normalize import numeric_value, value_frame
from docdiff.errors import InvalidRequest


def _resolve_columns(names: list[str], pairs: list[tuple[str, str]], kind: str) -> list[tuple[str, str]]:
    resolved = []
    for name in names:
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


def with_values_normalized(frame: pl.DataFrame, rows: list[int], options: CompareOptions) -> pl.DataFrame:
    """Return `frame` with every normalisation rule applied to `rows` only.

    Rows that matched as text need no rules, so alignment runs them only on
    the rows left over, which are few when the sides are similar.
    """
    if not rows or not frame.columns:
        return frame
    indices = pl.Series(rows, dtype=pl.UInt32)
    normalized = value_frame(frame[indices], options)
    columns = []
    for name in frame.columns:
        column = frame[name].clone()
        column.scatter(indices, normalized[name])
        columns.append(column)
    return pl.DataFrame(columns)


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


def diff_tables(baseline: Table, target: Table, options: CompareOptions | None = None) -> DiffResult:
    """Compare `target` against `baseline` and return every row and cell change."""
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
    moved = pl.Series(longest_increasing_mask(matched["t"].to_list()), dtype=pl.Boolean).not_()
    matched = matched.with_columns(moved.alias("moved"))

    changed = _changed_cells(left, right, matched, options)
    changes, summary = _row_changes(baseline, target, compared, matched, changed)
    _count_columns(summary, columns)
    summary.title_changed = (baseline.title or "") != (target.title or "")

    return DiffResult(
        summary=summary,
        baseline=sheet_info(baseline),
        target=sheet_info(target),
        key=[b for b, _ in key],
        key_source=key_source,
        alignment="key" if key else "content",
        columns_added=columns.added,
        columns_removed=columns.removed,
        columns_renamed=[ColumnRename(baseline=b, target=t) for b, t in columns.renamed],
        columns_moved=columns.moved,
        changes=changes,
        options=options,
    )


def _align_rows(
    left: pl.DataFrame, right: pl.DataFrame, key: list[str], key_source: str | None, options: CompareOptions
) -> pl.DataFrame:
    """Match rows as text first, then again with the value rules on the rows left over.

    A user's key is strict: rows whose key matches nothing are removed or
    added. Otherwise rows left over are paired by similarity.
    """
    if key_source == "user":
        left = left.with_columns(value_frame(left.select(key), options))
        right = right.with_columns(value_frame(right.select(key), options))
        return align_by_key(left, right, key).sort("b")

    first = align_by_key(left, right, key) if key else exact_anchors(left, right, left.columns)
    rest_b = unmatched(left.height, first["b"])
    rest_t = unmatched(right.height, first["t"])
    left = with_values_normalized(left, rest_b, options)
    right = with_values_normalized(right, rest_t, options)
    second = _match_subsets(left, right, rest_b, rest_t, key)
    anchors = pl.concat([first, second]) if second.height else first
    return pair_leftovers(left, right, anchors, options.similarity_threshold, options.numeric_tolerance).sort("b")


def _match_subsets(
    left: pl.DataFrame, right: pl.DataFrame, rows_b: list[int], rows_t: list[int], key: list[str]
) -> pl.DataFrame:
    """Match the given rows of each side exactly (by key, or by all cells) and return original indices."""
    if not rows_b or not rows_t:
        return first_empty_pairs()
    subset_b = left[rows_b]
    subset_t = right[rows_t]
    pairs = align_by_key(subset_b, subset_t, key) if key else exact_anchors(subset_b, subset_t, left.columns)
    index_b = pl.Series(rows_b, dtype=pl.UInt32)
    index_t = pl.Series(rows_t, dtype=pl.UInt32)
    return pairs.with_columns(b=index_b.gather(pairs["b"]), t=index_t.gather(pairs["t"]))


def _count_columns(summary: Summary, columns: ColumnMatch) -> None:
    summary.columns_added = len(columns.added)
    summary.columns_removed = len(columns.removed)
    summary.columns_renamed = len(columns.renamed)
    summary.columns_moved = len(columns.moved)


def _changed_cells(
    left: pl.DataFrame, right: pl.DataFrame, matched: pl.DataFrame, options: CompareOptions
) -> pl.DataFrame:
    """Return (pair, column) for every differing cell of the matched pairs.

    Cells are compared as text first; only the cells that differ as text
    go through the value rules and the numeric tolerance.
    """
    if not left.columns or matched.height == 0:
        return pl.DataFrame(schema={"pair": pl.UInt32, "column": pl.UInt32})
    gathered_left = left[matched["b"]]
    gathered_right = right[matched["t"]]
    parts = []
    for position, name in enumerate(left.columns):
        candidates = (gathered_left[name] != gathered_right[name]).arg_true()
        pairs = candidates.filter(_differ_by_value(gathered_left[name][candidates], gathered_right[name][candidates], options))
        pairs = pairs.cast(pl.UInt32)
        if pairs.len():
            parts.append(pl.DataFrame({"pair": pairs, "column": pl.Series([position] * pairs.len(), dtype=pl.UInt32)}))
    if not parts:
        return pl.DataFrame(schema={"pair": pl.UInt32, "column": pl.UInt32})
    return pl.concat(parts).sort("pair", "column")


def _differ_by_value(old: pl.Series, new: pl.Series, options: CompareOptions) -> pl.Series:
    """Return, per cell pair that differs as text, whether it still differs under the value rules."""
    cells = value_frame(pl.DataFrame({"old": old, "new": new}), options)
    differs = cells["old"] != cells["new"]
    if options.numeric_tolerance > 0:
        delta = cells.select((numeric_value(pl.col("old")) - numeric_value(pl.col("new"))).abs())
        differs = differs & ~(delta.to_series() <= options.numeric_tolerance).fill_null(False)
    return differs


def _row_changes(
    baseline: Table,
    target: Table,
    compared: list[tuple[str, str]],
    matched: pl.DataFrame,
    changed: pl.DataFrame,
) -> tuple[list[RowChange], Summary]:
    summary = Summary()
    ordered: list[tuple[float, RowChange]] = []
    cells_by_pair = _cells_by_pair(baseline, target, compared, matched, changed)

    interesting = matched.with_row_index("pair").filter(
        pl.col("moved") | pl.col("pair").is_in(changed["pair"].implode())
    )
    summary.rows_unchanged = matched.height - interesting.height
    for pair, b, t, score, moved in interesting.select("pair", "b", "t", "similarity", "moved").iter_rows():
        cells = cells_by_pair.get(pair, [])
        # Built without validation: every field comes from this module's own typed values.
        change = RowChange.model_construct(
            kind="modified" if cells else "moved",
            baseline_row=baseline.row_number(b),
            target_row=target.row_number(t),
            moved=moved,
            similarity=round(score, 4) if score is not None else None,
            cells=cells,
            values=None,
        )
        if cells:
            summary.rows_modified += 1
            summary.cells_modified += len(cells)
        if moved:
            summary.rows_moved += 1
        ordered.append((t, change))

    matched_b = matched["b"].to_list()
    matched_t = matched["t"].to_list()
    removed = unmatched(baseline.height, matched["b"])
    added = unmatched(target.height, matched["t"])
    for b in removed:
        summary.rows_removed += 1
        ordered.append((_place_removed(b, matched_b, matched_t), _whole_row("removed", baseline, b)))
    for t in added:
        summary.rows_added += 1
        ordered.append((t, _whole_row("added", target, t)))

    ordered.sort(key=lambda entry: entry[0])
    return [change for _, change in ordered], summary


def _place_removed(b: int, matched_b: list[int], matched_t: list[int]) -> float:
    """Position a removed row just after the target row of the baseline row above it."""
    position = bisect_left(matched_b, b)
    if position == 0:
        return -0.5
    return matched_t[position - 1] + 0.5


def _cells_by_pair(
    baseline: Table,
    target: Table,
    compared: list[tuple[str, str]],
    matched: pl.DataFrame,
    changed: pl.DataFrame,
) -> dict[int, list[CellChange]]:
    """Build the cell changes of each matched pair, gathering the original values per column."""
    cells: dict[int, list[CellChange]] = {}
    if changed.height == 0:
        return cells
    located = changed.join(matched.with_row_index("pair").select("pair", "b", "t"), on="pair")
    for position, part in located.sort("pair").group_by("column", maintain_order=True):
        baseline_name, target_name = compared[position[0]]
        old = baseline.data[baseline_name].gather(part["b"]).to_list()
        new = target.data[target_name].gather(part["t"]).to_list()
        baseline_letter = column_letter(baseline.first_column + baseline.header.index(baseline_name))
        target_letter = column_letter(target.first_column + target.header.index(target_name))
        for pair, b, t, old_value, new_value in zip(part["pair"], part["b"], part["t"], old, new):
            cells.setdefault(pair, []).append(
                CellChange.model_construct(
                    column=baseline_name,
                    baseline_cell=f"{baseline_letter}{baseline.row_number(b)}",
                    target_cell=f"{target_letter}{target.row_number(t)}",
                    old=old_value,
                    new=new_value,
                )
            )
    order = {name: index for index, (name, _) in enumerate(compared)}
    for entries in cells.values():
        entries.sort(key=lambda cell: order[cell.column])
    return cells


def _whole_row(kind: str, table: Table, index: int) -> RowChange:
    values = dict(zip(table.header, table.data.row(index)))
    row = table.row_number(index)
    if kind == "removed":
        return RowChange(kind="removed", baseline_row=row, values=values)
    return RowChange(kind="added", target_row=row, values=values)
