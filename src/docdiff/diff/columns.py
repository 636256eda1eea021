"""Match the columns of two tables: by name, then renamed columns by content.

A baseline column and a target column are the same column when their names
are equal after removing whitespace and case. Of the columns left over, a
pair is a rename when their sets of distinct values overlap enough (Jaccard
index at least `RENAME_MIN_OVERLAP`), best pairs first, nearer positions
first on ties. Values are compared after the normalisation rules, so `4`
and `4.0` count as one value. Columns with few distinct values (yes/no,
ratings) tell little by their values, so they are renamed only when their
nearest name-matched neighbour on the left or on the right is the same.
Once rows are aligned, `renames_by_rows` pairs the columns still left over
when their cells agree row by row. Matched columns whose order changed are
reported as moved; moving a column never changes a cell.
"""

import re
from dataclasses import dataclass, field

import polars as pl

from docdiff.diff.align import longest_increasing_mask
from docdiff.diff.model import CompareOptions
from docdiff.diff.normalize import value_frame

_WHITESPACE = re.compile(r"\s+")
RENAME_MIN_OVERLAP = 0.5
# Columns with fewer distinct values than this need the same position to count as renamed.
FEW_DISTINCT_VALUES = 5
# Agreement over aligned rows that makes two unpaired columns one renamed
# column, as (share of equal cells, Cohen's kappa) minimums; either pair
# suffices. Kappa measures the share against the agreement two unrelated
# columns of the same values would reach by chance. The first pair admits
# a column dominated by one value (`已完成` in most rows), because its chance
# agreement is high. The second admits a column edited in many rows.
RENAME_AGREEMENT = ((0.8, 0.2), (0.5, 0.5))


@dataclass
class ColumnMatch:
    pairs: list[tuple[str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def column_match_name(name: str) -> str:
    return _WHITESPACE.sub("", name).casefold()


def match_columns(
    baseline: pl.DataFrame, target: pl.DataFrame, options: CompareOptions | None = None
) -> ColumnMatch:
    """Pair the columns of two frames of string cells, in baseline order."""
    options = options or CompareOptions()
    by_name: dict[str, str] = {}
    for name in target.columns:
        by_name.setdefault(column_match_name(name), name)

    pairs = []
    for name in baseline.columns:
        match = by_name.pop(column_match_name(name), None)
        if match is not None:
            pairs.append((name, match))

    matched_target = {t for _, t in pairs}
    left_b = [name for name in baseline.columns if name not in {b for b, _ in pairs}]
    left_t = [name for name in target.columns if name not in matched_target]
    renamed = _find_renames(baseline, target, left_b, left_t, pairs, options) if options.detect_renames else []
    return _column_match(baseline.columns, target.columns, pairs, renamed)


def _column_match(
    baseline: list[str], target: list[str], by_name: list[tuple[str, str]], renamed: list[tuple[str, str]]
) -> ColumnMatch:
    pairs = sorted(by_name + renamed, key=lambda pair: baseline.index(pair[0]))
    paired_b = {b for b, _ in pairs}
    paired_t = {t for _, t in pairs}
    target_positions = [target.index(t) for _, t in pairs]
    in_order = longest_increasing_mask(pl.Series(target_positions, dtype=pl.UInt32)).to_list()
    return ColumnMatch(
        pairs=pairs,
        renamed=renamed,
        moved=[b for (b, _), kept in zip(pairs, in_order) if not kept],
        added=[name for name in target if name not in paired_t],
        removed=[name for name in baseline if name not in paired_b],
    )


def renames_by_rows(
    baseline: pl.DataFrame, target: pl.DataFrame, columns: ColumnMatch, rows: pl.DataFrame, options: CompareOptions
) -> ColumnMatch:
    """Check and complete the renames once rows are aligned, by how the cells agree row by row.

    Two columns agree when, over the aligned pairs of rows (`b`, `t`)
    non-empty on either side, both the share of cells equal under the
    normalisation rules and the agreement beyond chance (Cohen's kappa) reach one of
    `RENAME_AGREEMENT`. Two unrelated yes/no columns that agree half the
    time by chance do not. The columns still unpaired, and those of renames
    of columns with few distinct values, which rest on a neighbour only,
    are paired when they agree, best share first. Such a rename stays when
    neither of its columns found another partner that way. This finds what value overlap cannot: a renamed yes/no
    column whose neighbours moved or were dropped.
    """
    if rows.height == 0:
        return columns
    few_valued = [(b, t) for b, t in columns.renamed if _distinct_count(baseline[b]) < FEW_DISTINCT_VALUES]
    checked_b = columns.removed + [b for b, _ in few_valued]
    checked_t = columns.added + [t for _, t in few_valued]
    if not checked_b or not checked_t:
        return columns
    left = value_frame(baseline.select(checked_b)[rows["b"]], options)
    right = value_frame(target.select(checked_t)[rows["t"]], options)
    candidates = []
    for b in checked_b:
        for t in checked_t:
            share, kappa = _agreement(left[b], right[t])
            if _agree(share, kappa):
                candidates.append((-share, baseline.columns.index(b), b, t))
    found = []
    used_b: set[str] = set()
    used_t: set[str] = set()
    for _, _, b, t in sorted(candidates):
        if b not in used_b and t not in used_t:
            used_b.add(b)
            used_t.add(t)
            found.append((b, t))
    # A neighbour-based rename stays unless agreeing rows gave one of its columns another partner.
    unchallenged = [(b, t) for b, t in few_valued if b not in used_b and t not in used_t]
    renamed = [pair for pair in columns.renamed if pair not in few_valued] + unchallenged + found
    if set(renamed) == set(columns.renamed):
        return columns
    by_name = [pair for pair in columns.pairs if pair not in columns.renamed]
    return _column_match(baseline.columns, target.columns, by_name, renamed)


def _distinct_count(cells: pl.Series) -> int:
    trimmed = cells.str.strip_chars()
    return trimmed.filter(trimmed != "").n_unique()


def _agree(share: float, kappa: float) -> bool:
    return any(share >= min_share and kappa >= min_kappa for min_share, min_kappa in RENAME_AGREEMENT)


def _agreement(old: pl.Series, new: pl.Series) -> tuple[float, float]:
    """Return the share of equal cells among rows non-empty on either side, and Cohen's kappa."""
    cells = pl.DataFrame({"old": old, "new": new}).filter((pl.col("old") != "") | (pl.col("new") != ""))
    if cells.height == 0:
        return 0.0, 0.0
    share = cells.select((pl.col("old") == pl.col("new")).mean()).item()
    shares_old = cells["old"].value_counts(normalize=True, name="p_old").rename({"old": "value"})
    shares_new = cells["new"].value_counts(normalize=True, name="p_new").rename({"new": "value"})
    chance = shares_old.join(shares_new, on="value").select((pl.col("p_old") * pl.col("p_new")).sum()).item()
    if chance >= 1.0:
        return share, 1.0 if share == 1.0 else 0.0
    return share, (share - chance) / (1.0 - chance)


def _distinct_values(frame: pl.DataFrame, name: str, options: CompareOptions) -> set[str]:
    distinct = frame.select(pl.col(name).unique())
    values = value_frame(distinct, options)[name].unique()
    return set(values.filter(values != "").to_list())


def _neighbours(columns: list[str], name: str, pair_of: dict[str, int]) -> tuple[int, int]:
    """Return the pair numbers of the nearest name-matched columns to the left and right (-1: none)."""
    position = columns.index(name)
    left = next((pair_of[other] for other in reversed(columns[:position]) if other in pair_of), -1)
    right = next((pair_of[other] for other in columns[position + 1 :] if other in pair_of), -1)
    return left, right


def _find_renames(
    baseline: pl.DataFrame,
    target: pl.DataFrame,
    left_b: list[str],
    left_t: list[str],
    pairs: list[tuple[str, str]],
    options: CompareOptions,
) -> list[tuple[str, str]]:
    if not left_b or not left_t:
        return []
    values_b = {name: _distinct_values(baseline, name, options) for name in left_b}
    values_t = {name: _distinct_values(target, name, options) for name in left_t}
    pair_of_b = {b: number for number, (b, _) in enumerate(pairs)}
    pair_of_t = {t: number for number, (_, t) in enumerate(pairs)}

    candidates = []
    for b in left_b:
        for t in left_t:
            union = values_b[b] | values_t[t]
            if not union:
                continue
            overlap = len(values_b[b] & values_t[t]) / len(union)
            position_b = baseline.columns.index(b)
            position_t = target.columns.index(t)
            few_values = min(len(values_b[b]), len(values_t[t])) < FEW_DISTINCT_VALUES
            neighbours_b = _neighbours(baseline.columns, b, pair_of_b)
            neighbours_t = _neighbours(target.columns, t, pair_of_t)
            same_place = neighbours_b[0] == neighbours_t[0] or neighbours_b[1] == neighbours_t[1]
            if overlap < RENAME_MIN_OVERLAP or (few_values and not same_place):
                continue
            candidates.append((-overlap, abs(position_b - position_t), position_b, b, t))

    renamed = []
    used_b: set[str] = set()
    used_t: set[str] = set()
    for _, _, _, b, t in sorted(candidates):
        if b in used_b or t in used_t:
            continue
        used_b.add(b)
        used_t.add(t)
        renamed.append((b, t))
    return renamed
