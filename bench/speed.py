"""Time docdiff against other table diff tools on generated tables, side by side.

For each size (rows × columns) the script writes a baseline CSV and a target
CSV with seeded changes: 1 % of cells edited, 0.5 % of rows inserted, 0.5 %
deleted and 0.5 % moved. Each tool then runs in its own subprocess, which
reads both files, compares them and reports its wall time and peak RSS, so
one tool's memory never counts against another.

Tools:
- polars-join: read both files with polars and full-join them on the key,
  the floor that any keyed diff must pay;
- polars-compare: polars-join plus the changed cells, column by column in
  one lazy query: the least a keyed diff that reports cells can do, without
  value rules, moves or a summary;
- polars-rules: polars-compare plus what any keyed diff with docdiff's
  options pays on top: docdiff's value rules on the changed cells and its
  move detection on the matched rows;
- docdiff-key: docdiff with `--key id`;
- docdiff: docdiff without a key (it finds `id` as the key by itself);
- docdiff-content: docdiff aligning rows by content only (`auto_key=False`);
- daff, datacompy (key `id`) and csv-diff (key `id`).

docdiff's time covers reading, alignment, every changed cell with its old
and new value, and the summary, as frames (`compare_tables`). Building the
pydantic payload from them, one object per changed row and cell, is timed
on its own and printed as `payload s`.

Each tool runs `--repeat` times per size (3 by default) and the median time
is reported, because single runs on a shared machine vary by 20 % or more;
a run slower than a tenth of `--budget` is not repeated. A tool whose
previous size took longer than that is skipped for larger sizes, and so is
any run past the budget.

Usage: .venv/bin/python bench/speed.py [--sizes 10000x10 100000x10 ...] [--budget 120] [--repeat 3]
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_SIZES = ["10000x10", "10000x30", "100000x10", "100000x30", "1000000x10", "1000000x30"]
TOOLS = ["polars-join", "polars-compare", "polars-rules", "docdiff-key", "docdiff", "docdiff-content", "daff", "datacompy", "csv-diff"]
WORDS = "alpha beta gamma delta plan review launch budget owner report weekly target".split()


def generate(rows: int, columns: int, folder: Path, seed: int = 7) -> tuple[Path, Path]:
    """Write baseline.csv and target.csv of the given size with seeded changes, vectorised in polars."""
    import polars as pl

    rng = random.Random(seed)
    index = pl.int_range(0, rows, eager=True)
    data = {"id": index.map_elements(lambda i: f"ID{i:08d}", return_dtype=pl.String)}
    for position in range(1, columns):
        random_values = pl.Series(rng.choices(range(100_000), k=rows))
        kind = position % 4
        if kind == 0:
            data[f"c{position}"] = random_values.map_elements(lambda v: WORDS[v % len(WORDS)], return_dtype=pl.String)
        elif kind == 1:
            data[f"c{position}"] = random_values.cast(pl.String)
        elif kind == 2:
            data[f"c{position}"] = (random_values / 100).round(2).cast(pl.String)
        else:
            values = pl.DataFrame({"v": random_values})
            data[f"c{position}"] = values.select(
                pl.format("2025/{}/{}", pl.col("v") % 12 + 1, pl.col("v") % 28 + 1)
            ).to_series()
    baseline = pl.DataFrame(data)

    edits = max(1, rows * columns // 100)
    edit_rows = rng.choices(range(rows), k=edits)
    edit_columns = rng.choices(range(1, columns), k=edits)
    target = baseline.clone()
    for column in set(edit_columns):
        picked = sorted(row for row, col in zip(edit_rows, edit_columns) if col == column)
        name = target.columns[column]
        edited = target[name].gather(picked) + "x"
        target = target.with_columns(target[name].scatter(picked, edited))

    order = list(range(rows))
    for _ in range(max(1, rows // 200)):
        order.pop(rng.randrange(len(order)))
    for _ in range(max(1, rows // 200)):
        moved = order.pop(rng.randrange(len(order)))
        order.insert(rng.randrange(len(order)), moved)
    target = target[order]
    inserts = max(1, rows // 200)
    new_rows = pl.DataFrame(
        {name: [f"NEW{i:08d}" if name == "id" else rng.choice(WORDS) for i in range(inserts)] for name in baseline.columns}
    )
    positions = sorted(rng.sample(range(target.height), inserts))
    pieces = []
    previous = 0
    for number, position in enumerate(positions):
        pieces.append(target.slice(previous, position - previous))
        pieces.append(new_rows.slice(number, 1))
        previous = position
    pieces.append(target.slice(previous))
    target = pl.concat(pieces)

    baseline_path = folder / f"baseline-{rows}x{columns}.csv"
    target_path = folder / f"target-{rows}x{columns}.csv"
    baseline.write_csv(baseline_path)
    target.write_csv(target_path)
    return baseline_path, target_path


def peak_rss_mb() -> float:
    """Return this process's peak resident memory in MB, from /proc (ru_maxrss survives exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_tool(tool: str) -> None:
    """Import what `tool` needs before the clock starts, so start-up is not timed."""
    modules = {
        "polars-join": ["polars"],
        "polars-compare": ["polars"],
        "polars-rules": ["polars", "docdiff.diff"],
        "daff": ["daff", "csv"],
        "datacompy": ["datacompy", "pandas"],
        "csv-diff": ["csv_diff"],
    }.get(tool, ["docdiff.diff", "polars", "fastexcel", "charset_normalizer"])
    for module in modules:
        __import__(module)


def run_tool(tool: str, baseline: Path, target: Path) -> dict:
    """Read both files, compare them with `tool`, and return the figures (runs in the subprocess)."""
    import_tool(tool)
    started = time.perf_counter()
    changes = None
    if tool == "polars-join":
        import polars as pl

        left = pl.read_csv(baseline, infer_schema=False)
        right = pl.read_csv(target, infer_schema=False)
        joined = left.join(right, on="id", how="full", suffix="_target")
        changes = joined.height
    elif tool in ("polars-compare", "polars-rules"):
        import polars as pl

        left = pl.read_csv(baseline, infer_schema=False).with_row_index("b").lazy()
        right = pl.read_csv(target, infer_schema=False).with_row_index("t").lazy()
        joined = left.join(right, on="id", how="full", suffix="_target")
        names = [name for name in left.collect_schema().names() if name not in ("id", "b")]
        cells = pl.concat(
            joined.filter(pl.col(name).ne_missing(pl.col(f"{name}_target"))).select(
                "id", pl.lit(name).alias("column"), pl.col(name).alias("old"), pl.col(f"{name}_target").alias("new")
            )
            for name in names
        )
        if tool == "polars-compare":
            changes = cells.collect().height
        else:
            from docdiff.diff import CompareOptions
            from docdiff.diff.align import longest_increasing_mask
            from docdiff.diff.normalize import value_frame

            pairs, cells = pl.collect_all([joined.select("b", "t").drop_nulls().sort("b"), cells])
            values = value_frame(pl.concat([cells["old"], cells["new"]]).to_frame("cell"), CompareOptions())["cell"]
            changes = cells.filter(values.head(cells.height).ne_missing(values.tail(cells.height))).height
            longest_increasing_mask(pairs["t"])
    elif tool.startswith("docdiff"):
        from docdiff.diff import CompareOptions, compare_tables, load_table

        options = {
            "docdiff-key": CompareOptions(key=["id"]),
            "docdiff": CompareOptions(),
            "docdiff-content": CompareOptions(auto_key=False),
        }[tool]
        diff = compare_tables(
            load_table(baseline.read_bytes(), baseline.name), load_table(target.read_bytes(), target.name), options
        )
        summary = diff.summary()
        diff.cell_values()
        changes = summary.rows_added + summary.rows_removed + summary.rows_modified + summary.rows_moved
        seconds = time.perf_counter() - started
        # The pydantic payload (one object per changed row and cell) is timed on its own.
        payload_started = time.perf_counter()
        diff.to_result()
        payload = time.perf_counter() - payload_started
        return {"seconds": seconds, "payload_seconds": payload, "peak_mb": peak_rss_mb(), "changes": changes}
    elif tool == "daff":
        import csv

        import daff

        with baseline.open(newline="") as left_file, target.open(newline="") as right_file:
            left = [row for row in csv.reader(left_file)]
            right = [row for row in csv.reader(right_file)]
        alignment = daff.Coopy.compareTables(daff.PythonTableView(left), daff.PythonTableView(right)).align()
        output = daff.PythonTableView([])
        daff.TableDiff(alignment, daff.CompareFlags()).hilite(output)
        changes = len(output.data)
    elif tool == "datacompy":
        import datacompy
        import pandas as pd

        left = pd.read_csv(baseline, dtype=str, keep_default_na=False)
        right = pd.read_csv(target, dtype=str, keep_default_na=False)
        comparison = datacompy.PandasCompare(left, right, join_columns="id")
        changes = int(comparison.all_mismatch().shape[0])
    elif tool == "csv-diff":
        from csv_diff import compare, load_csv

        with baseline.open(newline="") as left_file, target.open(newline="") as right_file:
            difference = compare(load_csv(left_file, key="id"), load_csv(right_file, key="id"))
        changes = len(difference["added"]) + len(difference["removed"]) + len(difference["changed"])
    else:
        raise SystemExit(f"unknown tool {tool!r}")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": peak_rss_mb(), "changes": changes}


def measure(tool: str, baseline: Path, target: Path, budget: float, repeat: int) -> dict:
    """Run `tool` up to `repeat` times and return the median time and the highest peak.

    A run slower than a tenth of the budget is not repeated.
    """
    command = [sys.executable, __file__, "--run", tool, str(baseline), str(target)]
    runs = []
    while len(runs) < repeat:
        try:
            finished = subprocess.run(command, capture_output=True, text=True, timeout=budget, check=False)
        except subprocess.TimeoutExpired:
            return {"skipped": f"over {budget:g} s"}
        if finished.returncode != 0:
            last = (finished.stderr.strip().splitlines() or ["no output"])[-1]
            return {"skipped": f"failed: {last}"}
        runs.append(json.loads(finished.stdout))
        if runs[-1]["seconds"] > budget / 10:
            break
    figure = {"runs": len(runs), "peak_mb": max(run["peak_mb"] for run in runs), "changes": runs[0]["changes"]}
    for name in ("seconds", "payload_seconds"):
        if name in runs[0]:
            figure[name] = statistics.median(run[name] for run in runs)
    return figure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=DEFAULT_SIZES, help="ROWSxCOLUMNS sizes to run")
    parser.add_argument("--tools", nargs="+", default=TOOLS, choices=TOOLS, help="tools to run")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds per run before a tool is skipped")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool and size; the median time is reported")
    parser.add_argument("--run", nargs=3, metavar=("TOOL", "BASELINE", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.run:
        tool, baseline, target = args.run
        print(json.dumps(run_tool(tool, Path(baseline), Path(target))))
        return

    print(f"machine: {os.cpu_count()} cores; budget {args.budget:g} s per run; median of {args.repeat} runs")
    over_budget: set[str] = set()
    folder = Path(tempfile.mkdtemp(prefix="docdiff-speed-"))
    for size in args.sizes:
        rows, columns = (int(part) for part in size.split("x"))
        baseline, target = generate(rows, columns, folder)
        figures = {}
        for tool in args.tools:
            if tool in over_budget:
                figures[tool] = {"skipped": "slower than the budget at a smaller size"}
                continue
            figures[tool] = measure(tool, baseline, target, args.budget, args.repeat)
            if "skipped" in figures[tool] or figures[tool]["seconds"] > args.budget / 10:
                over_budget.add(tool)
        report(size, figures)


def report(size: str, figures: dict) -> None:
    floor = figures.get("polars-join", {}).get("seconds")
    compare_floor = figures.get("polars-compare", {}).get("seconds")
    print(f"\n{size}")
    print(
        f"  {'tool':<16}{'seconds':>10}{'peak MB':>10}{'vs polars join':>16}{'vs compare':>12}"
        f"{'docdiff faster':>16}{'payload s':>11}"
    )
    docdiff_seconds = figures.get("docdiff", {}).get("seconds")
    for tool, figure in figures.items():
        if "skipped" in figure:
            print(f"  {tool:<16}{'skipped: ' + figure['skipped']}")
            continue
        ratio = f"{figure['seconds'] / floor:.2f}x" if floor else "-"
        compare_ratio = f"{figure['seconds'] / compare_floor:.2f}x" if compare_floor else "-"
        faster = f"{figure['seconds'] / docdiff_seconds:.1f}x" if docdiff_seconds and tool not in ("docdiff", "polars-join") else ""
        payload = f"{figure['payload_seconds']:.2f}" if "payload_seconds" in figure else ""
        print(
            f"  {tool:<16}{figure['seconds']:>10.2f}{figure['peak_mb']:>10.0f}{ratio:>16}{compare_ratio:>12}"
            f"{faster:>16}{payload:>11}"
        )


if __name__ == "__main__":
    main()
