#!/usr/bin/python3
"""Helpers for bench/macro/run (Python standard library only).

  report.py sluice-rows SUMMARY_JSON [MANIFEST_JSON]
      Prints the total row count of one `sluice extract` run, taken from its --json summary,
      or from the table's _manifest.json when the summary has none. Prints nothing if neither
      says.
  report.py report SAMPLES_JSONL ENV_JSON OUT_DIR
      Aggregates the measured samples into OUT_DIR/latest.json and OUT_DIR/latest.md and prints
      the markdown on stdout.

A sample (one line of SAMPLES_JSONL) is one measured process:
  {"size": "1m", "rows_expected": 1000000, "tool": "wire_text", "rep": 1, "status": "ok",
   "rows": 1000000, "seconds": 0.95, "peak_rss_kb": 5688, "output_bytes": 0, "exit_code": 0,
   "verified": null, "load_avg": ["0.10", "0.20", "0.30"], "note": ""}
verified is true/false when the output's content was compared with the source, else null.
status is ok | failed | skipped | unavailable.
"""
import json
import os
import sys

# Targets from the Performance section of issue 3.
TARGET_SLUICE_VS_WIRE = 0.85      # sluice --jobs 1 rows/s >= 0.85 x the faster wire limit
TARGET_SLUICE_RSS_MB = 100.0      # sluice peak RSS with default options < 100 MB
TARGET_RSS_GROWTH = 1.10          # peak RSS at the largest size <= 1.10 x at the smallest

TOOLS = [
    ("wire_text", "wire limit, text protocol (mysql_use_result)"),
    ("wire_binary", "wire limit, binary protocol (prepared stmt, streamed fetch)"),
    ("sluice_j1", "sluice extract --jobs 1 (defaults)"),
    ("sluice_j2", "sluice extract --jobs 2"),
    ("pandas_before", "pandas read_sql fetchall + to_csv (case study before)"),
    ("pandas_chunked", "pandas SSCursor + read_sql chunksize=2000 -> CSV"),
]
TOOL_LABELS = dict(TOOLS)


def _find_total(node):
    """Returns a total row count from a sluice summary/manifest object, or None."""
    if not isinstance(node, dict):
        return None
    for key in ("total_rows", "rows_total", "row_count_total", "total_row_count"):
        if isinstance(node.get(key), int):
            return node[key]
    for key in ("totals", "total", "summary", "table", "result"):
        found = _find_total(node.get(key))
        if found is not None:
            return found
    for key in ("rows", "row_count", "num_rows"):
        if isinstance(node.get(key), int):
            return node[key]
    for key in ("files", "parts", "chunks"):
        entries = node.get(key)
        if isinstance(entries, list) and entries:
            total = 0
            for entry in entries:
                rows = None
                if isinstance(entry, dict):
                    rows = next((entry[k] for k in ("rows", "row_count", "num_rows")
                                 if isinstance(entry.get(k), int)), None)
                if rows is None:
                    return None
                total += rows
            return total
    tables = node.get("tables")
    if isinstance(tables, list) and len(tables) == 1:
        return _find_total(tables[0])
    return None


def sluice_rows(paths):
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read().strip()
        except OSError:
            continue
        if not text:
            continue
        try:
            node = json.loads(text)
        except json.JSONDecodeError:
            # Tolerate log lines around a final JSON document.
            start = text.find("{")
            try:
                node = json.loads(text[start:]) if start >= 0 else None
            except json.JSONDecodeError:
                node = None
        total = _find_total(node)
        if total is not None:
            print(total)
            return 0
    return 0


def _ratio(numerator, denominator):
    if numerator is None or denominator in (None, 0):
        return None
    return numerator / denominator


def _verdict(value, target, higher_is_better, strict=False):
    if value is None:
        return "n/a"
    if higher_is_better:
        return "PASS" if value >= target else "FAIL"
    return "PASS" if (value < target if strict else value <= target) else "FAIL"


def aggregate(samples):
    """Returns {size: {"rows_expected": N, "tools": {tool: summary}}} in measurement order."""
    sizes = {}
    for sample in samples:
        size = sizes.setdefault(sample["size"], {"rows_expected": sample["rows_expected"],
                                                 "tools": {}})
        size["tools"].setdefault(sample["tool"], []).append(sample)
    result = {}
    for size_name, size in sizes.items():
        tools = {}
        for tool, runs in size["tools"].items():
            ok = [run for run in runs if run["status"] == "ok"]
            summary = {"label": TOOL_LABELS.get(tool, tool), "runs": len(runs),
                       "samples": runs}
            if not ok:
                summary["status"] = runs[-1]["status"]
                summary["note"] = runs[-1].get("note", "")
                tools[tool] = summary
                continue
            # Fastest run for time (least disturbed by other load on the machine), largest peak
            # RSS over all runs (memory is judged by its worst case).
            best = min(ok, key=lambda run: run["seconds"])
            rows_ok = all(run["rows"] == size["rows_expected"] for run in ok)
            checks = [run.get("verified") for run in ok if run.get("verified") is not None]
            verified = all(checks) if checks else None
            status = "ok" if rows_ok else "wrong_rows"
            if verified is False:
                status = "wrong_output"
            summary.update({
                "status": status,
                "verified": verified,
                "rows": best["rows"],
                "seconds": best["seconds"],
                "seconds_all": [run["seconds"] for run in ok],
                "rows_per_s": best["rows"] / best["seconds"] if best["seconds"] > 0 else None,
                "peak_rss_mb": max(run["peak_rss_kb"] for run in ok) / 1024.0,
                "cpu_seconds": best.get("cpu_seconds"),
                "output_mb": best.get("output_bytes", 0) / 1e6,
                "note": {"ok": "", "wrong_rows": "row count differs from the table",
                         "wrong_output": "output content differs from the table"}[status],
            })
            tools[tool] = summary
        result[size_name] = {"rows_expected": size["rows_expected"], "tools": tools}
    return result


def _rate(tools, name):
    tool = tools.get(name, {})
    return tool.get("rows_per_s") if tool.get("status") == "ok" else None


def _rss(tools, name):
    tool = tools.get(name, {})
    return tool.get("peak_rss_mb") if tool.get("status") == "ok" else None


def compute_ratios(sizes):
    ratios = {}
    for size_name, size in sizes.items():
        tools = size["tools"]
        wire = {name: _rate(tools, name) for name in ("wire_text", "wire_binary")}
        wire_best_name = max((n for n in wire if wire[n] is not None), key=lambda n: wire[n],
                             default=None)
        wire_best = wire[wire_best_name] if wire_best_name else None
        sluice = _rate(tools, "sluice_j1")
        ratios[size_name] = {
            "wire_limit_tool": wire_best_name,
            "wire_limit_rows_per_s": wire_best,
            "binary_vs_text": _ratio(wire["wire_binary"], wire["wire_text"]),
            "sluice_vs_wire": _ratio(sluice, wire_best),
            "sluice_j2_vs_wire": _ratio(_rate(tools, "sluice_j2"), wire_best),
            "sluice_peak_rss_mb": _rss(tools, "sluice_j1"),
            "sluice_j2_peak_rss_mb": _rss(tools, "sluice_j2"),
            "speedup_vs_pandas_before": _ratio(sluice, _rate(tools, "pandas_before")),
            "speedup_vs_pandas_chunked": _ratio(sluice, _rate(tools, "pandas_chunked")),
            "rss_pandas_before_over_sluice": _ratio(_rss(tools, "pandas_before"),
                                                    _rss(tools, "sluice_j1")),
        }
    names = list(sizes)
    growth = None
    if len(names) >= 2:
        growth = _ratio(_rss(sizes[names[-1]]["tools"], "sluice_j1"),
                        _rss(sizes[names[0]]["tools"], "sluice_j1"))
    targets = []
    for size_name in names:
        value = ratios[size_name]["sluice_vs_wire"]
        targets.append({"target": f"{size_name}: sluice --jobs 1 rows/s / faster wire limit",
                        "goal": f">= {TARGET_SLUICE_VS_WIRE}", "value": value,
                        "verdict": _verdict(value, TARGET_SLUICE_VS_WIRE, True)})
    for size_name in names:
        value = ratios[size_name]["sluice_peak_rss_mb"]
        targets.append({"target": f"{size_name}: sluice --jobs 1 peak RSS (MB)",
                        "goal": f"< {TARGET_SLUICE_RSS_MB:g}", "value": value,
                        "verdict": _verdict(value, TARGET_SLUICE_RSS_MB, False, strict=True)})
    if len(names) >= 2:
        targets.append({"target": f"sluice peak RSS {names[-1]} / {names[0]}",
                        "goal": f"<= {TARGET_RSS_GROWTH}", "value": growth,
                        "verdict": _verdict(growth, TARGET_RSS_GROWTH, False)})
    return ratios, growth, targets


def _fmt(value, digits=2, suffix=""):
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{suffix}"
    return f"{value:,}{suffix}"


def render_markdown(env, sizes, ratios, growth, targets):
    lines = ["# sluice macro benchmark", ""]
    lines.append(f"Run {env.get('started_at', '?')} on {env.get('host', '?')}: "
                 f"{env.get('cpus', '?')} CPUs, {env.get('mem_gb', '?')} GB RAM, "
                 f"{env.get('server', '?')} on 127.0.0.1:{env.get('port', '?')} (TCP). "
                 f"sluice {env.get('git_commit', '?')}"
                 f"{' (working tree modified)' if env.get('git_dirty') else ''}. "
                 f"Load average at start: {env.get('load_avg_start', '?')}, "
                 f"at end: {env.get('load_avg_end', '?')}.")
    if env.get("sluice_built_from_this_tree") is False:
        lines.append("")
        lines.append(f"**Note:** the working tree did not compile at the time of the run; sluice "
                     f"was measured with an earlier build ({env.get('sluice_binary', '?')}).")
    lines.append("")
    lines.append(f"Same data for every tool: `bench.coverages_<size>` (15 columns, see README). "
                 f"seconds = wall time of the whole process (startup, connect, query, output), "
                 f"fastest of {env.get('repeat', '?')} runs for the wire limit and sluice, one run "
                 f"for pandas; peak RSS = largest `Maximum resident set size` of `/usr/bin/time -v` "
                 f"over the runs; CPU s = the client's user+sys CPU seconds in the fastest run "
                 f"(the server's are not included). Every run's row count must equal the table's; sluice's first "
                 f"run per size is also checked against the source (key count/min/max/distinct, "
                 f"exact DECIMAL sums, NULL counts, text length) through DuckDB (pqcheck).")
    lines.append("")
    lines.append("| size | tool | rows | seconds | rows/s | peak RSS MB | output MB | "
                 "CPU s | × wire limit | output checked |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for size_name, size in sizes.items():
        wire_best = ratios[size_name]["wire_limit_rows_per_s"]
        for tool, label in TOOLS:
            summary = size["tools"].get(tool)
            if summary is None:
                continue
            if summary["status"] not in ("ok", "wrong_rows", "wrong_output"):
                lines.append(f"| {size_name} | {label} | {summary['status']} | | | | | | | "
                             f"{summary.get('note', '')} |")
                continue
            rows = _fmt(summary["rows"])
            if summary["status"] == "wrong_rows":
                rows += f" (expected {size['rows_expected']:,})"
            checked = {True: "content = source", False: "**content differs**",
                       None: "row count"}[summary.get("verified")]
            lines.append(
                f"| {size_name} | {label} | {rows} | {_fmt(summary['seconds'])} | "
                f"{_fmt(summary['rows_per_s'], 0)} | {_fmt(summary['peak_rss_mb'], 1)} | "
                f"{_fmt(summary['output_mb'], 1) if tool.startswith(('sluice', 'pandas')) else '–'}"
                f" | {_fmt(summary.get('cpu_seconds'))}"
                f" | {_fmt(_ratio(summary['rows_per_s'], wire_best))} | {checked} |")
    lines.append("")
    lines.append("## Ratios")
    lines.append("")
    lines.append("| size | faster wire limit | binary / text | sluice / wire limit | "
                 "sluice --jobs 2 / wire limit | sluice speedup vs pandas before | "
                 "vs pandas chunked | pandas-before RSS / sluice RSS |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for size_name in sizes:
        ratio = ratios[size_name]
        lines.append(
            f"| {size_name} | {ratio['wire_limit_tool'] or '–'} "
            f"({_fmt(ratio['wire_limit_rows_per_s'], 0)} rows/s) | "
            f"{_fmt(ratio['binary_vs_text'])} | {_fmt(ratio['sluice_vs_wire'])} | "
            f"{_fmt(ratio['sluice_j2_vs_wire'])} | {_fmt(ratio['speedup_vs_pandas_before'], 1)}× | "
            f"{_fmt(ratio['speedup_vs_pandas_chunked'], 1)}× | "
            f"{_fmt(ratio['rss_pandas_before_over_sluice'], 1)}× |")
    lines.append("")
    lines.append("## Targets (issue 3)")
    lines.append("")
    lines.append("| target | goal | measured | verdict |")
    lines.append("|---|---|---:|---|")
    for target in targets:
        lines.append(f"| {target['target']} | {target['goal']} | {_fmt(target['value'])} | "
                     f"{target['verdict']} |")
    lines.append("")
    return "\n".join(lines)


def report(samples_path, env_path, out_dir):
    with open(samples_path, encoding="utf-8") as handle:
        samples = [json.loads(line) for line in handle if line.strip()]
    with open(env_path, encoding="utf-8") as handle:
        env = json.load(handle)
    sizes = aggregate(samples)
    ratios, growth, targets = compute_ratios(sizes)
    markdown = render_markdown(env, sizes, ratios, growth, targets)
    os.makedirs(out_dir, exist_ok=True)
    document = {"environment": env, "sizes": sizes, "ratios": ratios,
                "sluice_rss_growth": growth, "targets": targets}
    with open(os.path.join(out_dir, "latest.json"), "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
        handle.write("\n")
    with open(os.path.join(out_dir, "latest.md"), "w", encoding="utf-8") as handle:
        handle.write(markdown)
    print(markdown)
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "sluice-rows":
        return sluice_rows(argv[2:])
    if len(argv) == 5 and argv[1] == "report":
        return report(argv[2], argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
