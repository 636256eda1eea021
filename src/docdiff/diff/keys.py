"""Find a key automatically: a column, or a pair of columns, that identifies rows on both sides.

A candidate must be non-empty and unique on both sides and look like an
identifier (short cells). Among candidates whose values overlap between
the sides by at least `MIN_KEY_OVERLAP`, the leftmost one within
`OVERLAP_MARGIN` of the best overlap is tried first, because spreadsheets
put their identifiers first (`序号`, `Symbol`), then the others by overlap.
The first candidate that agrees with the rows' content wins: a column of
row numbers that the user renumbered after inserting, deleting or moving
rows is unique too, but it pairs rows with their neighbours. Pairs of
columns are tried only when no single column qualifies, only among the
first `MAX_PAIR_COLUMNS`, and never with a column that is unique alone.
"""

from itertools import combinations

import polars as pl

from docdiff.diff.align import has_duplicates

MIN_KEY_OVERLAP = 0.5
OVERLAP_MARGIN = 0.05
# Identifiers are short; a unique free-text column (a description) is not a key.
MAX_KEY_CHARS = 40
MAX_PAIR_COLUMNS = 8
MIN_ROWS = 2


# Rows checked first: most columns that are not keys repeat a value early,
# which rules them out without hashing the whole column.
SAMPLE_ROWS = 2000


def _identifies_rows(frame: pl.DataFrame, columns: list[str]) -> bool:
    sample = frame.head(SAMPLE_ROWS).select(columns)
    if sample.n_unique() < sample.height:
        return False
    selected = frame.select(columns)
    if selected.select(pl.any_horizontal(pl.all() == "").any()).item():
        return False
    if selected.select(pl.max_horizontal(pl.all().str.len_chars().max())).item() > MAX_KEY_CHARS:
        return False
    return not has_duplicates(selected, columns)


def _overlap(left: pl.DataFrame, right: pl.DataFrame, columns: list[str]) -> float:
    shared = left.select(columns).join(right.select(columns), on=columns, how="semi").height
    return shared / max(left.height, right.height)


def find_key(left: pl.DataFrame, right: pl.DataFrame) -> list[str]:
    """Return the key columns found in two frames with the same column names, or []."""
    if left.height < MIN_ROWS or right.height < MIN_ROWS:
        return []

    singles = [[name] for name in left.columns if _identifies_rows(left, [name]) and _identifies_rows(right, [name])]
    key = _best(left, right, singles)
    if key:
        return key
    # A pair with a column that identifies rows alone is that column again,
    # which was just rejected for its overlap or for contradicting the content.
    alone = {name for name, in singles}
    names = [name for name in left.columns[:MAX_PAIR_COLUMNS] if name not in alone]
    pairs = [
        list(pair)
        for pair in combinations(names, 2)
        if _identifies_rows(left, list(pair)) and _identifies_rows(right, list(pair))
    ]
    return _best(left, right, pairs)


def _best(left: pl.DataFrame, right: pl.DataFrame, candidates: list[list[str]]) -> list[str]:
    """Return the preferred candidate (each identifies rows on both sides) that agrees with the content, or []."""
    scored = []
    for columns in candidates:
        overlap = _overlap(left, right, columns)
        if overlap >= MIN_KEY_OVERLAP:
            scored.append((columns, overlap))
    if not scored:
        return []
    best = max(overlap for _, overlap in scored)
    leftmost = [columns for columns, overlap in scored if overlap >= best - OVERLAP_MARGIN]
    others = [columns for columns, _ in sorted(scored, key=lambda entry: -entry[1]) if columns not in leftmost]
    return next((columns for columns in leftmost + others if _agrees_with_content(left, right, columns)), [])


def _agrees_with_content(left: pl.DataFrame, right: pl.DataFrame, columns: list[str]) -> bool:
    """Return whether no row that the key pairs has its unchanged content paired elsewhere.

    Rows whose other cells are unique on each side and equal across the
    sides are the same row. If the key pairs both of them, but each with a
    different row, the key contradicts the content: row numbers shifted by
    an inserted, deleted or moved row do that. An edited key cell does not,
    because the edited row's key then pairs with nothing.
    """
    others = [name for name in left.columns if name not in columns]
    if not others:
        return True
    # Keys and contents are compared by their 64-bit hashes: a collision
    # could only hide or invent one contradiction, and this is a heuristic.
    sides = [
        pl.DataFrame({"key": frame.select(columns).hash_rows(), "content": frame.select(others).hash_rows()})
        for frame in (left, right)
    ]
    keyed = sides[0].join(sides[1], on="key", how="inner", suffix="_target")
    # Only a baseline row that the key pairs with other content can have its
    # content in another target row. Such rows are few unless the key is wrong.
    moved_content = keyed.filter(pl.col("content") != pl.col("content_target"))["content"].unique()
    if moved_content.len() == 0:
        return True
    unique_on_left = (
        sides[0].filter(pl.col("content").is_in(moved_content.implode())).group_by("content").len().filter(pl.col("len") == 1)
    )
    elsewhere = (
        sides[1]
        .filter(pl.col("content").is_in(unique_on_left["content"].implode()))
        .group_by("content")
        .agg(pl.len(), pl.col("key").first())
        .filter((pl.col("len") == 1) & pl.col("key").is_in(keyed["key"].implode()))
    )
    return elsewhere.height == 0
