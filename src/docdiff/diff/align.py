"""Align the rows of two tables: by key columns, or by content when no key is given.

Content alignment works in three passes, so that an inserted, deleted or
moved row never shifts the rows below it into false changes:

1. Anchors: rows whose normalised cells are all equal are matched, the k-th
   copy of a duplicated row on one side with the k-th copy on the other.
2. Pairing: the rows left over are paired when their similarity, the mean
   of the plain and the rarity-weighted share of equal cells, reaches the
   threshold. Rows edited in place come first: in a gap between anchors
   with as many leftover rows on each side, the k-th rows of both sides
   pair when most of their cells are equal (`SAME_PLACE_SHARE`). The rest
   are paired most similar first (`pair_by_similarity`). Candidate pairs
   come from equal rare values in any column (so a changed row is found
   wherever it moved) and from equal offsets inside the same gap (so rows
   made of common values still pair). Pairs below the threshold stay
   unmatched and become a removed plus an added row.
3. Moves: the longest order-preserving run of matched pairs is the skeleton;
   every other pair moved.

Both inputs are frames of normalised string columns `k0..kN` in the same
column order. The module works on row indices only and uses no headers,
row numbers or payload types.
"""

from dataclasses import dataclass

import polars as pl

from docdiff.diff.normalize import numeric_value

# Values shared by more leftover row pairs than this are too common to
# suggest a pairing, and the limit bounds the candidate join to about this
# many pairs per value. Such values still count towards similarity once a
# pair is a candidate.
MAX_PAIRS_PER_VALUE = 64
# Best candidates kept per baseline row before the exact similarity check.
CANDIDATES_PER_ROW = 16
# Rounds of taking mutually first pairs before the rest go one by one.
GREEDY_ROUNDS = 50
# Candidate pairs scored at once; bounds the memory of gathering their rows.
SIMILARITY_BATCH = 100_000
# In a gap with as many leftover rows on each side, the k-th rows of both
# sides are paired at once when at least this share of their cells is equal.
SAME_PLACE_SHARE = 0.8

# Seed of the second row hash that confirms an exact match.
CHECK_SEED = 20_251_204

PAIR_SCHEMA = {"b": pl.UInt32, "t": pl.UInt32, "similarity": pl.Float64}


def align_by_key(baseline: pl.DataFrame, target: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """Match rows with equal key values; duplicate keys are matched in order of appearance."""
    joined = _join_in_order(baseline.select(key).with_row_index("b"), target.select(key).with_row_index("t"), key)
    return joined.select(
        pl.col("b").cast(pl.UInt32), pl.col("t").cast(pl.UInt32), pl.lit(None, pl.Float64).alias("similarity")
    )


def _join_in_order(left: pl.DataFrame, right: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """Inner-join two frames indexed by `b` and `t`, matching the k-th copy of a value with the k-th copy.

    Values are usually unique, so the plain join runs first and checks that
    they are (polars checks before it builds any row, so duplicates cost no
    memory). Only when they are not does each row get its copy number.
    """
    try:
        return left.join(right, on=on, how="inner", validate="1:1")
    except pl.exceptions.ComputeError:
        if not (has_duplicates(left, on) or has_duplicates(right, on)):
            raise
    left = left.with_columns(pl.col("b").cum_count().over(on).alias("_occurrence"))
    right = right.with_columns(pl.col("t").cum_count().over(on).alias("_occurrence"))
    return left.join(right, on=[*on, "_occurrence"], how="inner").drop("_occurrence")


def has_duplicates(frame: pl.DataFrame, key: list[str]) -> bool:
    """Return whether two rows of `frame` share their `key` values.

    Counting distinct hashes is several times faster than counting distinct
    rows. Only equal hashes, a duplicate or a collision, need the exact count.
    """
    if frame.select(pl.struct(key).hash()).to_series().n_unique() == frame.height:
        return False
    return frame.select(key).n_unique() < frame.height


@dataclass
class Rows:
    """Some rows of one side: their cells, and their indices in the whole table.

    Pairing works on the rows left over after the exact matches, which are
    few when the sides are similar, so it keeps only those rows, normalised,
    and looks rows up by their index in the whole table.
    """

    frame: pl.DataFrame
    index: pl.Series  # UInt32, ascending: table index of each row of `frame`

    @classmethod
    def whole(cls, frame: pl.DataFrame) -> "Rows":
        return cls(frame, pl.int_range(0, frame.height, dtype=pl.UInt32, eager=True))

    @property
    def columns(self) -> list[str]:
        return self.frame.columns

    def at(self, rows: pl.Series | list[int]) -> pl.DataFrame:
        """Return the cells of the rows with these table indices, which must all be in `index`."""
        return self.frame[self.index.search_sorted(pl.Series(rows, dtype=pl.UInt32))]


def pair_leftovers(
    baseline: Rows, target: Rows, anchors: pl.DataFrame, threshold: float, tolerance: float = 0.0
) -> pl.DataFrame:
    """Pair the rows of `baseline` and `target` that no anchor contains, and return the anchors with those pairs.

    `anchors` covers the whole tables, so it also gives the gaps the
    leftover rows sit in.
    """
    anchors = anchors.sort("b")
    skeleton = anchors.filter(longest_increasing_mask(anchors["t"]))
    left_b = unmatched_among(baseline.index.to_list(), anchors["b"])
    left_t = unmatched_among(target.index.to_list(), anchors["t"])
    paired = pair_by_similarity(baseline, target, left_b, left_t, skeleton, threshold, tolerance)
    return pl.concat([anchors, paired]).sort("b")


def exact_anchors(baseline: pl.DataFrame, target: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    if not columns:
        return pl.DataFrame(schema=PAIR_SCHEMA)
    left = baseline.select(pl.struct(columns).hash().alias("_row")).with_row_index("b")
    right = target.select(pl.struct(columns).hash().alias("_row")).with_row_index("t")
    # Duplicated rows: the k-th copy on one side matches the k-th on the other.
    joined = _join_in_order(left, right, ["_row"]).sort("b")
    # A collision of that hash would pair two different rows, so a second,
    # independently seeded hash must agree too. A pair it drops falls through
    # to similarity pairing. Two collisions at once are about as likely as one
    # in 10^38 pairs. Hashing costs far less than gathering every matched row.
    if joined.height:
        check_b = baseline.select(columns).hash_rows(seed=CHECK_SEED).gather(joined["b"])
        check_t = target.select(columns).hash_rows(seed=CHECK_SEED).gather(joined["t"])
        joined = joined.filter(check_b == check_t)
    return joined.select(
        pl.col("b").cast(pl.UInt32), pl.col("t").cast(pl.UInt32), pl.lit(None, pl.Float64).alias("similarity")
    )


def rarity_weights(frame: pl.DataFrame) -> pl.DataFrame:
    """Weigh each cell by how rare its value is in its column: 1 / (1 + ln(count)), 0 when empty.

    A value seen once weighs 1; one seen 100 times weighs about 0.18, so two
    rows sharing a rare value (a name, an id) count as more alike than two
    rows sharing a common one (a department, a status).
    """
    return frame.select(
        pl.when(pl.col(name) != "")
        .then(1.0 / (1.0 + pl.len().over(name).cast(pl.Float64).log()))
        .otherwise(0.0)
        .alias(name)
        for name in frame.columns
    )


@dataclass
class RowWeights:
    """Rarity weights of some rows of one side, counted among those rows."""

    weights: Rows

    @classmethod
    def of(cls, side: Rows, rows: list[int]) -> "RowWeights":
        """Weigh the rows with these table indices (ascending) among themselves."""
        return cls(Rows(rarity_weights(side.at(rows)), pl.Series(rows, dtype=pl.UInt32)))

    def gather(self, rows: pl.Series) -> pl.DataFrame:
        return self.weights.at(rows)


def similarity(
    baseline: Rows,
    target: Rows,
    b: pl.Series,
    t: pl.Series,
    weights_b: RowWeights,
    weights_t: RowWeights,
    tolerance: float = 0.0,
) -> pl.DataFrame:
    """Return, per pair, `share` and `weighted`: two shares of equal cells.

    `share` is the share of equal cells among cells non-empty on either side.
    `weighted` weighs each pair of cells by the mean of its two sides' rarity
    weights, so sharing a rare value counts more. Numbers within `tolerance`
    are equal. Pairs with no non-empty cell at all score 1.
    """
    left = baseline.at(b)
    right = target.at(t)
    gathered_b = weights_b.gather(b)
    gathered_t = weights_t.gather(t)
    equal_count, used_count, equal_weight, total_weight = [], [], [], []
    for name in baseline.columns:
        equal = left[name] == right[name]
        if tolerance > 0:
            cells = pl.DataFrame({"old": left[name], "new": right[name]})
            delta = cells.select((numeric_value(pl.col("old")) - numeric_value(pl.col("new"))).abs()).to_series()
            equal = equal | (delta <= tolerance).fill_null(False)
        used = (left[name] != "") | (right[name] != "")
        weight = (gathered_b[name] + gathered_t[name]) / 2
        equal_count.append((equal & used).cast(pl.Float64).alias(name))
        used_count.append(used.cast(pl.Float64).alias(name))
        equal_weight.append((weight * equal.cast(pl.Float64)).alias(name))
        total_weight.append(weight.alias(name))
    share = pl.DataFrame(equal_count).sum_horizontal() / pl.DataFrame(used_count).sum_horizontal()
    weighted = pl.DataFrame(equal_weight).sum_horizontal() / pl.DataFrame(total_weight).sum_horizontal()
    return pl.DataFrame({"share": share.fill_nan(1.0), "weighted": weighted.fill_nan(1.0)})


def pair_by_similarity(
    baseline: Rows,
    target: Rows,
    left_b: list[int],
    left_t: list[int],
    skeleton: pl.DataFrame,
    threshold: float,
    tolerance: float = 0.0,
) -> pl.DataFrame:
    """Pair leftover rows whose similarity reaches `threshold`, most similar first.

    Similarity is the mean of `share` and `weighted` (see `similarity`): the
    plain share keeps rows that share only common values pairable, and the
    weighted share keeps two unrelated rows of the same category apart.
    """
    if not left_b or not left_t or not baseline.columns:
        return pl.DataFrame(schema=PAIR_SCHEMA)
    weights_b = RowWeights.of(baseline, left_b)
    weights_t = RowWeights.of(target, left_t)

    same_place = _pair_same_place(baseline, target, left_b, left_t, skeleton, weights_b, weights_t, threshold, tolerance)
    if same_place.height:
        left_b = unmatched_among(left_b, same_place["b"])
        left_t = unmatched_among(left_t, same_place["t"])
        if not left_b or not left_t:
            return same_place

    candidates = pl.concat(
        [
            _candidates_by_value(baseline, target, left_b, left_t),
            _candidates_by_gap(left_b, left_t, skeleton),
        ]
    )
    candidates = (
        candidates.group_by("b", "t")
        .agg(pl.col("score").sum(), pl.col("same_gap").max())
        .sort(["score", "b", "t"], descending=[True, False, False])
        .group_by("b", maintain_order=True)
        .head(CANDIDATES_PER_ROW)
    )
    scores = _scores(baseline, target, candidates, weights_b, weights_t, tolerance)
    candidates = candidates.with_columns(
        scores["weighted"], ((scores["share"] + scores["weighted"]) / 2).alias("similarity")
    ).filter((pl.col("similarity") >= threshold) & (pl.col("similarity") > 0))
    ranked = candidates.sort(
        ["similarity", "weighted", "same_gap", "score", "b", "t"],
        descending=[True, True, True, True, False, False],
    )
    return pl.concat([same_place, greedy_unique(ranked)])


def _pair_same_place(
    baseline: Rows,
    target: Rows,
    left_b: list[int],
    left_t: list[int],
    skeleton: pl.DataFrame,
    weights_b: RowWeights,
    weights_t: RowWeights,
    threshold: float,
    tolerance: float,
) -> pl.DataFrame:
    """Pair rows edited in place: the k-th leftover rows of a gap with as many rows on each side.

    Such a pair is taken before any search when at least `SAME_PLACE_SHARE`
    of its cells are equal and its similarity reaches `threshold`. Most
    edits leave a row where it was, so the search below runs only on rows
    that moved, were swapped, or were removed and added.
    """
    by_gap = _candidates_by_gap(left_b, left_t, skeleton, equal_gaps_only=True)
    if by_gap.height == 0:
        return pl.DataFrame(schema=PAIR_SCHEMA)
    scores = _scores(baseline, target, by_gap, weights_b, weights_t, tolerance)
    combined = (scores["share"] + scores["weighted"]) / 2
    keep = (scores["share"] >= SAME_PLACE_SHARE) & (combined >= threshold) & (combined > 0)
    return by_gap.select("b", "t").with_columns(combined.alias("similarity")).filter(keep)


def _scores(
    baseline: Rows,
    target: Rows,
    pairs: pl.DataFrame,
    weights_b: RowWeights,
    weights_t: RowWeights,
    tolerance: float,
) -> pl.DataFrame:
    """Return `share` and `weighted` (see `similarity`) of each (`b`, `t`) pair, scored in batches.

    Each batch gathers both rows of every pair, so one pass over millions of
    candidates would hold all of them at once.
    """
    if pairs.height == 0:
        return pl.DataFrame(schema={"share": pl.Float64, "weighted": pl.Float64})
    return pl.concat(
        [
            similarity(baseline, target, batch["b"], batch["t"], weights_b, weights_t, tolerance)
            for batch in pairs.iter_slices(SIMILARITY_BATCH)
        ]
    )


def unmatched_among(rows: list[int], matched: pl.Series) -> list[int]:
    """Return the `rows` not in `matched`, in order."""
    candidates = pl.Series(rows, dtype=pl.UInt32)
    return candidates.filter(~candidates.is_in(matched.implode())).to_list()


def _candidates_by_value(baseline: Rows, target: Rows, left_b: list[int], left_t: list[int]) -> pl.DataFrame:
    left = baseline.at(left_b).with_columns(pl.Series("b", left_b, pl.UInt32))
    right = target.at(left_t).with_columns(pl.Series("t", left_t, pl.UInt32))
    parts = []
    for name in baseline.columns:
        values_b = left.select("b", pl.col(name).alias("value")).filter(pl.col("value") != "")
        values_t = right.select("t", pl.col(name).alias("value")).filter(pl.col("value") != "")
        counts = (
            values_b.group_by("value").len("count_b").join(values_t.group_by("value").len("count_t"), on="value")
        ).filter(pl.col("count_b") * pl.col("count_t") <= MAX_PAIRS_PER_VALUE)
        weighted = counts.select(
            "value", (1.0 / pl.max_horizontal("count_b", "count_t")).alias("score")
        )
        parts.append(
            values_b.join(weighted, on="value").join(values_t, on="value").select("b", "t", "score")
        )
    frame = pl.concat(parts) if parts else pl.DataFrame(schema={"b": pl.UInt32, "t": pl.UInt32, "score": pl.Float64})
    return frame.with_columns(pl.lit(False).alias("same_gap"))


def _candidates_by_gap(
    left_b: list[int], left_t: list[int], skeleton: pl.DataFrame, equal_gaps_only: bool = False
) -> pl.DataFrame:
    """Pair the k-th leftover row of a gap between skeleton anchors with the k-th on the other side.

    With `equal_gaps_only`, only gaps that have as many leftover rows on each side.
    """
    anchors_b = skeleton["b"].sort()
    anchors_t = skeleton["t"].sort()
    gaps_b = pl.DataFrame({"b": pl.Series(left_b, dtype=pl.UInt32)}).with_columns(
        anchors_b.search_sorted(pl.Series(left_b, dtype=pl.UInt32)).alias("gap")
    )
    gaps_t = pl.DataFrame({"t": pl.Series(left_t, dtype=pl.UInt32)}).with_columns(
        anchors_t.search_sorted(pl.Series(left_t, dtype=pl.UInt32)).alias("gap")
    )
    gaps_b = gaps_b.with_columns(pl.col("b").cum_count().over("gap").alias("rank"))
    gaps_t = gaps_t.with_columns(pl.col("t").cum_count().over("gap").alias("rank"))
    if equal_gaps_only:
        sizes_b = gaps_b.group_by("gap").len("size")
        sizes_t = gaps_t.group_by("gap").len("size")
        equal = sizes_b.join(sizes_t, on=["gap", "size"]).select("gap")
        gaps_b = gaps_b.join(equal, on="gap", how="semi")
    return gaps_b.join(gaps_t, on=["gap", "rank"]).select(
        "b", "t", pl.lit(0.0).alias("score"), pl.lit(True).alias("same_gap")
    )


def greedy_unique(ranked: pl.DataFrame) -> pl.DataFrame:
    """Take pairs in the order of `ranked`, skipping any whose `b` or `t` an earlier taken pair used.

    Runs in rounds rather than one pair at a time: a pair that comes first
    among the remaining pairs of both its rows is one the one-by-one pass
    takes too, since no earlier pair uses either row. Those pairs are taken
    at once and every pair sharing a row with them is dropped. Each round
    takes at least the first remaining pair; after `GREEDY_ROUNDS` rounds,
    the few pairs left go one by one.
    """
    remaining = ranked.select("b", "t", "similarity").with_row_index("rank")
    accepted = []
    for _ in range(GREEDY_ROUNDS):
        if remaining.height == 0:
            break
        first_b = remaining.group_by("b").agg(pl.col("rank").min())
        first_t = remaining.group_by("t").agg(pl.col("rank").min())
        chosen = remaining.join(first_b, on=["b", "rank"], how="semi").join(first_t, on=["t", "rank"], how="semi")
        accepted.append(chosen)
        remaining = remaining.join(chosen.select("b"), on="b", how="anti").join(chosen.select("t"), on="t", how="anti")
    if remaining.height:
        accepted.append(_take_one_by_one(remaining))
    if not accepted:
        return pl.DataFrame(schema=PAIR_SCHEMA)
    return pl.concat(accepted).sort("rank").select(
        pl.col("b").cast(pl.UInt32), pl.col("t").cast(pl.UInt32), pl.col("similarity").cast(pl.Float64)
    )


def _take_one_by_one(remaining: pl.DataFrame) -> pl.DataFrame:
    used_b: set[int] = set()
    used_t: set[int] = set()
    rows = []
    for rank, b, t, score in remaining.sort("rank").iter_rows():
        if b in used_b or t in used_t:
            continue
        used_b.add(b)
        used_t.add(t)
        rows.append((rank, b, t, score))
    return pl.DataFrame(rows, schema=remaining.schema, orient="row")


def longest_increasing_mask(values: pl.Series) -> pl.Series:
    """Mark one longest strictly increasing subsequence of distinct `values`.

    Rows that stayed in order form runs whose values rise by exactly one
    rank per step. No other value falls inside a run's range, so a longest
    subsequence takes a run whole or not at all, and the search runs over
    the runs, weighted by length (heaviest increasing subsequence with a
    Fenwick tree of prefix maxima). A sheet of a million rows with a few
    thousand moves has a few thousand runs, so the Python loop stays short.
    """
    if values.len() == 0:
        return pl.Series(dtype=pl.Boolean)
    if values.is_sorted():
        return pl.repeat(True, values.len(), eager=True)
    # Inside a run, rank and position both rise by one per step, so their
    # difference is constant, and it changes from one run to the next.
    diagonal = values.to_frame("value").select(
        pl.col("value").rank("ordinal").cast(pl.Int64) - pl.int_range(pl.len(), dtype=pl.Int64)
    ).to_series()
    runs = diagonal.rle().struct.unnest()
    if runs.height == 1:
        return pl.repeat(True, values.len(), eager=True)

    # Runs cover disjoint rank ranges, so ranking them by their first rank
    # numbers them 1..n in value order, the Fenwick tree's index.
    first_rank = pl.col("value") + pl.col("len").cum_sum() - pl.col("len")
    positions = runs.select(first_rank.rank("ordinal").cast(pl.Int64)).to_series().to_list()
    lengths = runs["len"].to_list()
    count = len(positions)
    tree_weight = [0] * (count + 1)
    tree_run = [-1] * (count + 1)
    previous = [-1] * count
    best_weight, best_run = 0, -1
    for run, (position, length) in enumerate(zip(positions, lengths)):
        weight, before = 0, -1
        index = position - 1
        while index > 0:
            if tree_weight[index] > weight:
                weight, before = tree_weight[index], tree_run[index]
            index -= index & -index
        weight += length
        previous[run] = before
        if weight >= best_weight:
            best_weight, best_run = weight, run
        index = position
        while index <= count:
            if weight > tree_weight[index]:
                tree_weight[index], tree_run[index] = weight, run
            index += index & -index

    chosen = [False] * count
    while best_run >= 0:
        chosen[best_run] = True
        best_run = previous[best_run]
    return pl.Series(chosen, dtype=pl.Boolean).gather(diagonal.rle_id())
