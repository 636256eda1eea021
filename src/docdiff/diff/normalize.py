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
  float cannot tell two of them apart, and so do codes with a leading zero
  (`007`). Cells with two different currency signs differ
  (`currencies_differ`).
"""

import polars as pl

from docdiff.diff.model import CompareOptions

_STARS = r"^[★☆]+$"
# ASCII classes: Unicode `\d` makes each compiled pattern far larger and slower.
_DATE = (
    r"^([0-9]{4}) ?[-/.年] ?([0-9]{1,2}) ?[-/.月] ?([0-9]{1,2}) ?日?"
    r"(?:[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?)?$"
)
# An integer part with a leading zero (`007`, `00123`) is a code, not a number.
_NUMBER = r"^[+-]?[¥￥$€]?(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|0|[1-9][0-9]*)(?:\.[0-9]+)?%?$"
# The currency sign of a number, which `numeric_value` leaves out.
_CURRENCY = r"^\s*[+-]?([¥￥$€])"
# Doubles hold 15 significant decimal digits exactly.
MAX_NUMERIC_DIGITS = 15
DECIMALS = 10


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
    plain = cell.str.replace_all(r"[,¥￥$€+]", "")
    percent = plain.str.ends_with("%")
    value = plain.str.strip_suffix("%").cast(pl.Float64, strict=False)
    value = pl.when(percent).then(value / 100).otherwise(value).round(DECIMALS)
    accepted = cell.str.contains(_NUMBER) & (digits <= MAX_NUMERIC_DIGITS)
    # `-0` is 0: the float's sign bit would make the canonical texts differ.
    return pl.when(~accepted).then(None).when(value == 0).then(0.0).otherwise(value)


def currency(cell: pl.Expr) -> pl.Expr:
    """Return the currency sign a number cell starts with (`¥` for both ¥ and ￥), or null."""
    return cell.str.extract(_CURRENCY, 1).str.replace("￥", "¥", literal=True)


def currencies_differ(old: pl.Expr, new: pl.Expr) -> pl.Expr:
    """Return whether two cells carry different currency signs, which the number rule alone ignores (`$100`, `€100`).

    A sign on one side only does not count, so `¥100` in a CSV export still
    equals the number 100 of a currency-formatted XLSX cell.
    """
    return (currency(old) != currency(new)).fill_null(False)


def canonical_number(cell: pl.Expr) -> pl.Expr:
    # `coalesce` evaluates the value once, where `when(...).then(...)` on it would evaluate it twice.
    return pl.coalesce(numeric_value(cell).cast(pl.String), cell)


def trimmed(cell: pl.Expr) -> pl.Expr:
    return cell.str.strip_chars()


def lowercase(cell: pl.Expr) -> pl.Expr:
    return cell.str.to_lowercase()


# Every rule by its name, in the order the rules apply.
RULES = {
    "trim": trimmed,
    "case": lowercase,
    "stars": stars_to_number,
    "dates": canonical_date,
    "numbers": canonical_number,
}
# Cheap tests that a cell may be one a rule rewrites. A column without such
# a cell skips that rule entirely, which saves most of the regex work.
_MAY_CHANGE = {
    "trim": lambda cell: cell.str.contains(r"^\s|\s$"),
    "case": lambda cell: cell != cell.str.to_lowercase(),
    "stars": lambda cell: cell.str.contains("[★☆]"),
    "dates": lambda cell: cell.str.contains(r"^[0-9]{4} ?[-/.年]"),
    "numbers": lambda cell: cell.str.contains(_NUMBER),
}


def value_frame(frame: pl.DataFrame, options: CompareOptions) -> pl.DataFrame:
    """Apply every rule: whitespace and case, then the value rules (stars, dates, numbers).

    One query finds the rules that may change each column, and one more
    applies them, to all columns at once. A frame that no rule can change
    comes back as it is. Each rule is its own step of the query, because
    nesting the rules in one expression would repeat the inner ones inside
    every branch of the outer ones. Callers apply this only to cells that
    differ as text, because cells equal as text stay equal under every rule.
    """
    if frame.height == 0 or frame.width == 0:
        return frame
    plan = _rules_by_column(frame, options)
    if not any(plan):
        return frame
    lazy = frame.lazy()
    for rule in RULES:
        names = [name for name, rules in zip(frame.columns, plan) if rule in rules]
        if names:
            lazy = lazy.with_columns(RULES[rule](pl.col(name)).alias(name) for name in names)
    return lazy.collect()


def _enabled_rules(options: CompareOptions) -> list[str]:
    enabled = {
        "trim": options.trim_whitespace,
        "case": options.ignore_case,
        "stars": options.stars_by_value,
        "dates": options.dates_by_value,
        "numbers": options.numbers_by_value,
    }
    return [rule for rule in RULES if enabled[rule]]


def _rules_by_column(frame: pl.DataFrame, options: CompareOptions) -> list[set[str]]:
    """Return, per column of `frame`, the rules that may change one of its cells, from one pass over the cells.

    Most cells pass through every rule unchanged (names, ids, free text).
    The value rules apply after trimming, so a column with edge whitespace
    gets all of them. Stars become digits, which the number rule rewrites.
    """
    rules = _enabled_rules(options)
    if not rules:
        return [set() for _ in frame.columns]
    tests = {
        f"{rule}_{position}": _MAY_CHANGE[rule](pl.col(name)).any()
        for position, name in enumerate(frame.columns)
        for rule in rules
    }
    found = frame.select(**tests).row(0, named=True)
    value_rules = {"stars", "dates", "numbers"}
    plan = []
    for position in range(frame.width):
        column = {rule for rule in rules if found[f"{rule}_{position}"]}
        if "trim" in column:
            column |= value_rules & set(rules)
        if "stars" in column and "numbers" in rules:
            column.add("numbers")
        plan.append(column)
    return plan
