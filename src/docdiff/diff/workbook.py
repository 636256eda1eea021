"""Compare whole workbooks: match their sheets, then diff each matched pair.

Sheets are matched by name first (exact, then ignoring whitespace and
case), then by content: of the sheets left, a pair whose header names
overlap by at least `SHEET_MIN_OVERLAP` (Jaccard index) is the same sheet,
best pairs first. A CSV file is one sheet without a name, so it matches an
XLSX sheet by content. The first matched pair in baseline order is the
primary sheet, reported at the top level of the payload; the other pairs
go to `other_sheets`.
"""

from docdiff.diff.columns import column_match_name
from docdiff.diff.compare import diff_tables
from docdiff.diff.load import Table
from docdiff.diff.model import CompareOptions, DiffResult, SheetRename

SHEET_MIN_OVERLAP = 0.5


def _sheet_name(table: Table) -> str:
    return table.sheet or table.source


def match_sheets(baseline: list[Table], target: list[Table]) -> list[tuple[Table, Table]]:
    """Pair sheets by name, then by header overlap; returns pairs in baseline order."""
    pairs: list[tuple[Table, Table]] = []
    left_b = list(baseline)
    left_t = list(target)

    for same in (lambda a, b: a == b, lambda a, b: column_match_name(a) == column_match_name(b)):
        for table in list(left_b):
            if table.sheet is None:
                continue
            match = next((other for other in left_t if other.sheet is not None and same(table.sheet, other.sheet)), None)
            if match is not None:
                pairs.append((table, match))
                left_b.remove(table)
                left_t.remove(match)

    candidates = []
    for table in left_b:
        names_b = {column_match_name(name) for name in table.header}
        for other in left_t:
            names_t = {column_match_name(name) for name in other.header}
            union = names_b | names_t
            overlap = len(names_b & names_t) / len(union) if union else 0.0
            if overlap >= SHEET_MIN_OVERLAP:
                candidates.append((-overlap, baseline.index(table), target.index(other), table, other))
    for _, _, _, table, other in sorted(candidates, key=lambda entry: entry[:3]):
        if table in left_b and other in left_t:
            pairs.append((table, other))
            left_b.remove(table)
            left_t.remove(other)

    pairs.sort(key=lambda pair: baseline.index(pair[0]))
    return pairs


def diff_workbooks(
    baseline: list[Table], target: list[Table], options: CompareOptions | None = None
) -> tuple[DiffResult, list[tuple[Table, Table]]]:
    """Compare every matched sheet and return the primary result and every pair of tables compared.

    The pairs come in the order of the results: the primary sheet's first,
    then those of `other_sheets`.

    When no sheet matches, the first sheets of each side are compared, so a
    workbook whose only sheet was rebuilt still gets a row-level diff.
    """
    pairs = match_sheets(baseline, target)
    if not pairs:
        pairs = [(baseline[0], target[0])]
    results = [diff_tables(left, right, options) for left, right in pairs]

    primary = results[0]
    primary.other_sheets = results[1:]
    paired_b = {id(left) for left, _ in pairs}
    paired_t = {id(right) for _, right in pairs}
    primary.sheets_removed = [_sheet_name(table) for table in baseline if id(table) not in paired_b]
    primary.sheets_added = [_sheet_name(table) for table in target if id(table) not in paired_t]
    # A CSV file has no sheet name, so only two named sheets can be a rename.
    primary.sheets_renamed = [
        SheetRename(baseline=left.sheet, target=right.sheet)
        for left, right in pairs
        if left.sheet is not None and right.sheet is not None and left.sheet != right.sheet
    ]
    return primary, pairs
