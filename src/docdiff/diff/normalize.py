"""Cell normalisation: the polars expressions that decide when two cells are equal.

Each rule is an option of `CompareOptions`, applied in this order:
whitespace, case, star ratings, dates, numbers. Rules rewrite a cell to a
canonical text only when the whole cell matches their pattern, so text
that merely contains a number or a date is left alone. The original cells
are kept for display; only comparisons use the canonical form.

Canonical forms:
- star ratings: `★★★☆☆` and `★★★` become `3`;
- dates: `2025/5/27`, `2025-05-27`, `2025.5.27`, `2025年5月27日` and an
  Excel date cell become `2025-05-27`, with ` HH:MM:SS` when a time is given;
- numbers: `1,000`, `+1000`, `1000.0` and `¥1000` become `1000.0`, and
  `90%` becomes `0.9`, rounded to 10 decimal places. Numbers with more than
  15 significant digits (ID card and order numbers) stay text, because a
  float cannot tell two of them apart.
"""

import polars as pl

from docdiff.diff.model import CompareOptions

_STARS = r"^[★☆]+$"
# ASCII classes: Unicode `\d` makes each compiled pattern far larger and slower.
_DATE = (
    r"^([0-9]{4}) ?[-/.年] ?([0-9]{1,2}) ?[-/.月] ?([0-9]{1,2}) ?日?"
    r"(?:[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?)?$"
)
_NUMBER = r"^[+-]?[¥$€]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?%?$"
# Doubles hold 15 significant decimal digits exactly.
MAX_NUMERIC_DIGITS = 15
DECIMALS = 10
REPEAT_SAMPLE = 1000


def stars_to_number(cell: pl.Expr) -> pl.Expr:
    return pl.when(cell.str.contains(_STARS)).then(cell.str.count_matches("★").cast(pl.String)).otherwise(cell)


def canonical_date(cell: pl.Expr) -> pl.Expr:
    # The parts are extracted once and combined inside the struct: each
    # `struct.field` of the extraction itself would run the regex again.
    parts = cell.str.extract_groups(_DATE).struct.with_fields(
        date=pl.concat_str(
            pl.field("1"), pl.lit("-"), pl.field("2").str.zfill(2), pl.lit("-"), pl.field("3").str.zfill(2)
        ),
        time=pl.concat_str(
            pl.lit(" "),
            pl.field("4").str.zfill(2),
            pl.lit(":"),
            pl.field("5"),
            pl.lit(":"),
            pl.field("6").fill_null("00"),
        ),
    )
    midnight = pl.field("time").is_null() | (pl.field("time") == " 00:00:00")
    text = parts.struct.with_fields(
        text=pl.when(midnight).then(pl.field("date")).otherwise(pl.concat_str(pl.field("date"), pl.field("time")))
    ).struct.field("text")
    # `text` is null where the cell is no date.
    return pl.coalesce(text, cell)


def numeric_value(cell: pl.Expr) -> pl.Expr:
    """Return the cell's value as a float, or null when it is not a number this module accepts."""
    digits = cell.str.replace_all(r"[^0-9]", "").str.strip_chars_start("0").str.len_chars()
    plain = cell.str.replace_all(r"[,¥$€+]", "")
    percent = plain.str.ends_with("%")
    value = plain.str.strip_suffix("%").cast(pl.Float64, strict=False)
    value = pl.when(percent).then(value / 100).otherwise(value).round(DECIMALS)
    accepted = cell.str.contains(_NUMBER) & (digits <= MAX_NUMERIC_DIGITS)
    return pl.when(accepted).then(value).otherwise(None)


def canonical_number(cell: pl.Expr) -> pl.Expr:
    # `coalesce` evaluates the value once, where `when(...).then(...)` on it would evaluate it twice.
    return pl.coalesce(numeric_value(cell).cast(pl.String), cell)


# Cheap tests that a column may contain values a rule rewrites. A column
# that fails one skips that rule entirely, which saves most of the regex work.
_MAY_HOLD = {
    "stars": "[★☆]",
    "dates": r"^[0-9]{4} ?[-/.年]",
    "numbers": _NUMBER,
}


def basic_frame(frame: pl.DataFrame, options: CompareOptions) -> pl.DataFrame:
    """Apply the cheap rules, whitespace and case, to every column."""
    if options.trim_whitespace:
        frame = frame.with_columns(pl.all().str.strip_chars())
    if options.ignore_case:
        frame = frame.with_columns(pl.all().str.to_lowercase())
    return frame


def value_frame(frame: pl.DataFrame, options: CompareOptions) -> pl.DataFrame:
    """Apply every rule: whitespace and case, then the value rules (stars, dates, numbers).

    Each rule runs only on the cells that pass its cheap test in `_MAY_HOLD`,
    and each as its own step: nesting the rules in one expression would
    repeat the inner ones inside every branch of the outer ones, which made
    a 92 × 20 table take over a second. Callers apply this only to cells
    that differ as text, because cells equal as text stay equal under every
    rule.
    """
    rules = []
    if options.stars_by_value:
        rules.append(("stars", stars_to_number))
    if options.dates_by_value:
        rules.append(("dates", canonical_date))
    if options.numbers_by_value:
        rules.append(("numbers", canonical_number))
    if frame.height == 0 or not _may_change(frame, options, [name for name, _ in rules]):
        return frame
    frame = basic_frame(frame, options)
    if not rules:
        return frame
    return pl.DataFrame([_apply_rules(frame[name], rules) for name in frame.columns])


def _may_change(frame: pl.DataFrame, options: CompareOptions, rules: list[str]) -> bool:
    """Return whether any rule could rewrite a cell of `frame`, in one pass over the cells.

    Most cells pass through every rule unchanged (names, ids, free text).
    When all of them would, this one check replaces the whole chain.
    """
    tests = []
    if rules:
        tests.append(pl.all().str.contains("|".join(f"(?:{_MAY_HOLD[name]})" for name in rules)))
    if options.trim_whitespace:
        tests.append(pl.all().str.contains(r"^\s|\s$"))
    if options.ignore_case:
        tests.append(pl.all() != pl.all().str.to_lowercase())
    if not tests:
        return False
    return frame.select(pl.any_horizontal(pl.any_horizontal(tests).any())).item()


def _apply_rules(cells: pl.Series, rules: list) -> pl.Series:
    """Apply `rules` to one column; a column that repeats its values is rewritten once per value.

    Whether it repeats them is judged on its first `REPEAT_SAMPLE` cells:
    finding the distinct values and mapping them back costs more than it
    saves unless each value comes back about four times or more.
    """
    sample = cells.head(REPEAT_SAMPLE)
    if sample.n_unique() * 4 > sample.len():
        return _apply_rules_to_each(cells, rules)
    distinct = cells.unique().drop_nulls()
    return cells.replace(distinct, _apply_rules_to_each(distinct, rules))


def _apply_rules_to_each(cells: pl.Series, rules: list) -> pl.Series:
    # `scatter` writes in place; the clone keeps the caller's series as it was.
    cells = cells.clone()
    for name, rule in rules:
        candidates = cells.str.contains(_MAY_HOLD[name]).arg_true()
        if candidates.len() == 0:
            continue
        if candidates.len() == cells.len():
            cells = cells.to_frame().select(rule(pl.col(cells.name)).alias(cells.name)).to_series()
            continue
        rewritten = cells.gather(candidates).to_frame().select(rule(pl.col(cells.name)).alias(cells.name)).to_series()
        cells = cells.scatter(candidates, rewritten)
    return cells
