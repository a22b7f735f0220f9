#include "runner/pipeline/run_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "common/atomic_file.h"
#include "common/redact.h"

namespace sluice::runner::pipeline {
namespace {

std::string Escape(const std::string& text) {
  std::string out;
  for (char ch : text) {
    switch (ch) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(ch);
    }
  }
  return out;
}

std::string Num(double value, int decimals = 1) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

std::string Thousands(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count > 0 && count % 3 == 0) out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
    ++count;
  }
  return (value < 0 ? "-" : "") + out;
}

std::string Mib(int64_t bytes) { return Num(static_cast<double>(bytes) / (1 << 20)) + " MiB"; }

// A "nice" axis step (1, 2 or 5 times a power of ten) giving about `ticks` ticks up to `max`.
double NiceStep(double max, int ticks) {
  if (max <= 0) return 1;
  double raw = max / ticks;
  double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= factor * power) return factor * power;
  }
  return 10 * power;
}

// Chart geometry shared by the SVGs: 960 px wide (fits a laptop screen with margins).
constexpr double kWidth = 960;
constexpr double kLeft = 150;  // room for table names
constexpr double kRight = 20;

std::string TimeAxis(double x0, double x1, double y_top, double y_bottom, double seconds) {
  std::string svg;
  double step = NiceStep(seconds, 8);
  for (double tick = 0; tick <= seconds + 1e-9; tick += step) {
    double x = x0 + (x1 - x0) * tick / seconds;
    svg += "<line class=\"grid\" x1=\"" + Num(x) + "\" y1=\"" + Num(y_top) + "\" x2=\"" + Num(x) +
           "\" y2=\"" + Num(y_bottom) + "\"/>";
    svg += "<text class=\"tick\" x=\"" + Num(x) + "\" y=\"" + Num(y_bottom + 16) +
           "\" text-anchor=\"middle\">" +
           Num(tick, step < 0.1 ? 2
                     : step < 1 ? 1
                                : 0) +
           " s</text>";
  }
  return svg;
}

std::string Timeline(const RunRecord& record, double seconds) {
  // 34 px per table lane: room for overlapping chunk rows (up to 4 sub-rows of 6 px).
  constexpr double kLane = 34;
  constexpr double kTop = 10;
  double height = kTop + kLane * static_cast<double>(record.tables.size()) + 30;
  double x0 = kLeft;
  double x1 = kWidth - kRight;
  std::string svg = "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    Num(kWidth, 0) + "\" height=\"" + Num(height, 0) + "\" viewBox=\"0 0 " +
                    Num(kWidth, 0) + " " + Num(height, 0) + "\">";
  svg += TimeAxis(x0, x1, kTop, height - 30, seconds);
  std::map<std::string, size_t> lane_of;
  for (size_t lane = 0; lane < record.tables.size(); ++lane) {
    const TableRecord& table = record.tables[lane];
    lane_of[table.name] = lane;
    double y = kTop + kLane * static_cast<double>(lane);
    svg += "<rect class=\"lane\" x=\"" + Num(x0) + "\" y=\"" + Num(y + 2) + "\" width=\"" +
           Num(x1 - x0) + "\" height=\"" + Num(kLane - 4) + "\"/>";
    std::string label = table.name;
    svg += "<text class=\"lane-label\" x=\"" + Num(x0 - 8) + "\" y=\"" + Num(y + kLane / 2 + 4) +
           "\" text-anchor=\"end\">" + Escape(label) + "</text>";
    if (table.chunks_reused > 0) {
      svg += "<text class=\"reused\" x=\"" + Num(x0 + 4) + "\" y=\"" + Num(y + kLane - 6) + "\">" +
             std::to_string(table.chunks_reused) + " chunks reused from an earlier run</text>";
    }
  }
  // Attempts of one table that overlap in time go to distinct sub-rows.
  std::map<std::string, std::vector<double>> row_free_at;
  std::vector<const ChunkAttempt*> attempts;
  for (const auto& attempt : record.attempts) {
    if (attempt.outcome != AttemptOutcome::kReused) attempts.push_back(&attempt);
  }
  std::sort(attempts.begin(), attempts.end(),
            [](const ChunkAttempt* left, const ChunkAttempt* right) {
              return left->start_seconds < right->start_seconds;
            });
  for (const ChunkAttempt* attempt : attempts) {
    auto lane_it = lane_of.find(attempt->table);
    if (lane_it == lane_of.end()) continue;
    double end = attempt->end_seconds > 0 ? attempt->end_seconds : seconds;
    auto& free_at = row_free_at[attempt->table];
    size_t sub = 0;
    while (sub < free_at.size() && free_at[sub] > attempt->start_seconds + 1e-6) ++sub;
    if (sub == free_at.size()) free_at.push_back(0);
    free_at[sub] = end;
    constexpr size_t kSubRows = 4;
    double row_height = (kLane - 8) / kSubRows;
    double y = kTop + kLane * static_cast<double>(lane_it->second) + 4 +
               row_height * static_cast<double>(sub % kSubRows);
    double x = x0 + (x1 - x0) * attempt->start_seconds / seconds;
    double width = std::max(2.0, (x1 - x0) * (end - attempt->start_seconds) / seconds);
    std::string css = attempt->outcome == AttemptOutcome::kSucceeded  ? "ok"
                      : attempt->outcome == AttemptOutcome::kRetrying ? "retry"
                      : attempt->outcome == AttemptOutcome::kFailed   ? "failed"
                                                                      : "running";
    std::string title = attempt->table + " chunk " + std::to_string(attempt->task) + " " +
                        attempt->range + ", attempt " + std::to_string(attempt->attempt + 1) +
                        ": " + Num(end - attempt->start_seconds, 2) + " s, " +
                        Thousands(attempt->rows) + " rows" +
                        (attempt->error.empty() ? "" : " — " + attempt->error);
    svg += "<rect class=\"chunk " + css + "\" x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" +
           Num(width) + "\" height=\"" + Num(row_height - 1) + "\" rx=\"1.5\"><title>" +
           Escape(title) + "</title></rect>";
    if (attempt->outcome == AttemptOutcome::kRetrying ||
        attempt->outcome == AttemptOutcome::kFailed) {
      double cx = x + width;
      double cy = y + (row_height - 1) / 2;
      svg += "<path class=\"marker " + css + "\" d=\"M" + Num(cx - 5) + " " + Num(cy - 5) + " L" +
             Num(cx + 5) + " " + Num(cy + 5) + " M" + Num(cx - 5) + " " + Num(cy + 5) + " L" +
             Num(cx + 5) + " " + Num(cy - 5) + "\"><title>" + Escape(title) + "</title></path>";
    }
  }
  svg += "</svg>";
  return svg;
}

// A line chart over time. `series`: (seconds, value) points; `limit` draws a dashed line.
std::string LineChart(const std::string& id, const std::vector<std::pair<double, double>>& series,
                      double seconds, const std::string& unit, double limit,
                      const std::string& limit_label,
                      const std::vector<std::pair<double, double>>& second_series = {},
                      const std::string& second_label = "") {
  constexpr double kHeight = 220;
  constexpr double kTop = 16;
  constexpr double kBottom = 30;
  double x0 = kLeft;
  double x1 = kWidth - kRight;
  double y0 = kHeight - kBottom;
  double y1 = kTop;
  double max_value = limit;
  for (const auto& [t, value] : series) max_value = std::max(max_value, value);
  for (const auto& [t, value] : second_series) max_value = std::max(max_value, value);
  if (max_value <= 0) max_value = 1;
  double step = NiceStep(max_value * 1.1, 4);
  double top_value = std::ceil(max_value * 1.1 / step) * step;
  auto sx = [&](double t) { return x0 + (x1 - x0) * t / seconds; };
  auto sy = [&](double value) { return y0 - (y0 - y1) * value / top_value; };
  std::string svg = "<svg id=\"" + id + "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    Num(kWidth, 0) + "\" height=\"" + Num(kHeight, 0) + "\" viewBox=\"0 0 " +
                    Num(kWidth, 0) + " " + Num(kHeight, 0) + "\">";
  svg += TimeAxis(x0, x1, y1, y0, seconds);
  for (double tick = 0; tick <= top_value + 1e-9; tick += step) {
    svg += "<line class=\"grid\" x1=\"" + Num(x0) + "\" y1=\"" + Num(sy(tick)) + "\" x2=\"" +
           Num(x1) + "\" y2=\"" + Num(sy(tick)) + "\"/>";
    svg += "<text class=\"tick\" x=\"" + Num(x0 - 8) + "\" y=\"" + Num(sy(tick) + 4) +
           "\" text-anchor=\"end\">" + Thousands(static_cast<int64_t>(std::llround(tick))) + " " +
           unit + "</text>";
  }
  auto path = [&](const std::vector<std::pair<double, double>>& points) {
    std::string d;
    for (const auto& [t, value] : points) {
      d += (d.empty() ? "M" : " L") + Num(sx(t)) + " " + Num(sy(value));
    }
    return d;
  };
  if (!second_series.empty()) {
    std::string area = path(second_series);
    if (!area.empty()) {
      area += " L" + Num(sx(second_series.back().first)) + " " + Num(y0) + " L" +
              Num(sx(second_series.front().first)) + " " + Num(y0) + " Z";
      svg += "<path class=\"area\" d=\"" + area + "\"><title>" + Escape(second_label) +
             "</title></path>";
    }
  }
  if (!series.empty()) svg += "<path class=\"series\" d=\"" + path(series) + "\"/>";
  if (limit > 0) {
    svg += "<line class=\"budget\" x1=\"" + Num(x0) + "\" y1=\"" + Num(sy(limit)) + "\" x2=\"" +
           Num(x1) + "\" y2=\"" + Num(sy(limit)) + "\"/>";
    svg += "<text class=\"budget-label\" x=\"" + Num(x1 - 4) + "\" y=\"" + Num(sy(limit) - 6) +
           "\" text-anchor=\"end\">" + Escape(limit_label) + "</text>";
  }
  svg += "</svg>";
  return svg;
}

constexpr const char* kStyle = R"CSS(
body{font-family:-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;margin:0;background:#f4f6f8;color:#1f2933}
header{background:#102a43;color:#fff;padding:20px 32px}
header h1{margin:0 0 6px;font-size:22px;font-weight:600}
header .meta{color:#bcccdc;font-size:13px}
.badge{display:inline-block;padding:2px 10px;border-radius:10px;font-size:13px;font-weight:600;margin-left:10px;vertical-align:middle}
.badge.succeeded{background:#2f9e44;color:#fff}.badge.failed{background:#e03131;color:#fff}
main{padding:20px 32px;max-width:1040px}
.tiles{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:18px}
.tile{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08);min-width:130px}
.tile .v{font-size:20px;font-weight:600}.tile .k{font-size:12px;color:#627d98;text-transform:uppercase;letter-spacing:.04em}
section{background:#fff;border-radius:8px;padding:14px 18px;margin-bottom:18px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
section h2{font-size:15px;margin:0 0 8px;color:#243b53}
.legend{font-size:12px;color:#486581;margin-bottom:6px}
.legend span{display:inline-block;width:12px;height:10px;border-radius:2px;margin:0 4px 0 12px;vertical-align:middle}
svg text{font-size:11px;fill:#486581}
svg .lane{fill:#f0f4f8}svg .lane-label{font-size:12px;fill:#102a43;font-weight:600}
svg .grid{stroke:#d9e2ec;stroke-width:1}
svg .chunk.ok{fill:#2f9e44}svg .chunk.retry{fill:#f59f00}svg .chunk.failed{fill:#e03131}svg .chunk.running{fill:#868e96}
svg .marker{stroke-width:2;fill:none}svg .marker.retry{stroke:#d9480f}svg .marker.failed{stroke:#c92a2a}
svg .reused{font-size:10px;fill:#829ab1;font-style:italic}
svg .series{fill:none;stroke:#1c7ed6;stroke-width:2}
svg .area{fill:#a5d8ff;opacity:.5}
svg .budget{stroke:#e03131;stroke-width:1.5;stroke-dasharray:6 4}svg .budget-label{fill:#e03131;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:6px 8px;border-bottom:1px solid #e4e7eb;text-align:right}
th:first-child,td:first-child{text-align:left}th{color:#486581;font-weight:600;background:#f8fafc}
td.succeeded{color:#2f9e44;font-weight:600}td.failed{color:#e03131;font-weight:600}
.error{color:#c92a2a;font-size:12px;text-align:left;white-space:normal}
footer{color:#829ab1;font-size:12px;padding:0 32px 24px}
)CSS";

}  // namespace

std::string RenderRunReport(const RunRecord& record) {
  double seconds = std::max(record.elapsed_seconds, 0.001);
  for (const auto& attempt : record.attempts) seconds = std::max(seconds, attempt.end_seconds);
  int64_t rows = 0;
  int64_t bytes = 0;
  int64_t retries = 0;
  int64_t chunks = 0;
  for (const auto& table : record.tables) {
    rows += table.rows;
    bytes += table.bytes;
    retries += table.retries;
    chunks += table.tasks_total;
  }
  std::string html =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>sluice run " +
      Escape(record.run_id) + "</title><style>" + kStyle + "</style></head><body>";
  html += "<header><h1>sluice pipeline " +
          Escape(record.pipeline.empty() ? record.config_file : record.pipeline) +
          "<span class=\"badge " + Escape(record.status) + "\">" + Escape(record.status) +
          "</span></h1><div class=\"meta\">run " + Escape(record.run_id) + " · started " +
          Escape(record.started_at) + " · " + Escape(record.config_file) + " → " +
          Escape(record.destination) + (record.resumed ? " · resumed an interrupted run" : "") +
          "</div></header><main>";
  html += "<div class=\"tiles\">";
  auto tile = [&](const std::string& value, const std::string& key) {
    html += "<div class=\"tile\"><div class=\"v\">" + Escape(value) + "</div><div class=\"k\">" +
            Escape(key) + "</div></div>";
  };
  tile(Num(record.elapsed_seconds, 2) + " s", "elapsed");
  tile(Thousands(rows), "rows");
  tile(Mib(bytes), "parquet written");
  tile(Thousands(static_cast<int64_t>(static_cast<double>(rows) /
                                      std::max(record.elapsed_seconds, 0.001))),
       "rows / s");
  tile(std::to_string(chunks), "chunks");
  tile(std::to_string(retries), "retries");
  tile(Mib(record.peak_rss_bytes) + " / " + Mib(record.memory_budget_bytes), "peak RSS / budget");
  html += "</div>";

  html +=
      "<section><h2>Chunk timeline</h2><div class=\"legend\"><span "
      "style=\"background:#2f9e44\"></span>succeeded"
      "<span style=\"background:#f59f00\"></span>failed, retried<span "
      "style=\"background:#e03131\"></span>failed for good"
      " &nbsp;(hover a bar for its key range, rows and error)</div>" +
      Timeline(record, seconds) + "</section>";

  std::vector<std::pair<double, double>> rate;
  std::vector<std::pair<double, double>> rss;
  std::vector<std::pair<double, double>> reserved;
  for (size_t sample_idx = 0; sample_idx < record.samples.size(); ++sample_idx) {
    const Sample& sample = record.samples[sample_idx];
    rss.emplace_back(sample.seconds, static_cast<double>(sample.rss_bytes) / (1 << 20));
    reserved.emplace_back(sample.seconds, static_cast<double>(sample.reserved_bytes) / (1 << 20));
    if (sample_idx > 0) {
      // Rate over a window of ~1 s (10 samples of 100 ms) smooths batch-sized steps.
      size_t from = sample_idx >= 10 ? sample_idx - 10 : 0;
      const Sample& earlier = record.samples[from];
      double dt = sample.seconds - earlier.seconds;
      if (dt > 0) {
        rate.emplace_back(sample.seconds,
                          std::max(0.0, static_cast<double>(sample.rows - earlier.rows) / dt));
      }
    }
  }
  html += "<section><h2>Throughput (rows/s read from the sources)</h2>" +
          LineChart("throughput", rate, seconds, "", 0, "") + "</section>";
  html +=
      "<section><h2>Memory: process RSS against the budget</h2><div class=\"legend\">"
      "<span style=\"background:#1c7ed6\"></span>RSS<span style=\"background:#a5d8ff\"></span>"
      "reserved by running chunk tasks<span style=\"background:#e03131\"></span>budget</div>" +
      LineChart("memory", rss, seconds, "MiB",
                static_cast<double>(record.memory_budget_bytes) / (1 << 20),
                "budget " + Mib(record.memory_budget_bytes), reserved, "reserved") +
      "</section>";

  html +=
      "<section><h2>Tables</h2><table id=\"totals\"><thead><tr><th>table</th><th>status</th>"
      "<th>rows</th><th>MiB</th><th>chunks</th><th>reused</th><th>retries</th><th>seconds</th>"
      "<th>rows/s</th><th>files</th></tr></thead><tbody>";
  for (const auto& table : record.tables) {
    double table_seconds = table.start_seconds >= 0 && table.end_seconds >= 0
                               ? table.end_seconds - table.start_seconds
                               : 0;
    html += "<tr><td>" + Escape(table.name) + "</td><td class=\"" + Escape(table.status) + "\">" +
            Escape(table.status) + "</td><td>" + Thousands(table.rows) + "</td><td>" +
            Num(static_cast<double>(table.bytes) / (1 << 20)) + "</td><td>" +
            std::to_string(table.tasks_total) + "</td><td>" + std::to_string(table.chunks_reused) +
            "</td><td>" + std::to_string(table.retries) + "</td><td>" + Num(table_seconds, 2) +
            "</td><td>" +
            Thousands(table_seconds > 0
                          ? static_cast<int64_t>(static_cast<double>(table.rows) / table_seconds)
                          : 0) +
            "</td><td>" + std::to_string(table.files.size()) + "</td></tr>";
    if (table.validation.checked && table.validation.passed) {
      // A passed contract: what it checked and what it kept out (failures show as the error).
      html += "<tr class=\"contract\"><td></td><td colspan=\"9\">contract passed: " +
              Thousands(table.validation.rows_checked) + " rows checked, " +
              std::to_string(table.validation.checks_total) + " checks, " +
              Thousands(table.validation.rows_quarantined) + " rows quarantined</td></tr>";
    }
    if (!table.error.empty()) {
      html +=
          "<tr><td></td><td colspan=\"9\" class=\"error\">" + Escape(table.error) + "</td></tr>";
    }
  }
  for (const auto& transform : record.transforms) {
    html += "<tr><td>transform " + Escape(transform.name) + "</td><td class=\"" +
            Escape(transform.status) + "\">" + Escape(transform.status) + "</td><td>" +
            Thousands(transform.rows) + "</td><td></td><td></td><td></td><td></td><td>" +
            Num(transform.seconds, 2) + "</td><td></td><td>1</td></tr>";
    if (!transform.error.empty()) {
      html += "<tr><td></td><td colspan=\"9\" class=\"error\">" + Escape(transform.error) +
              "</td></tr>";
    }
  }
  html += "</tbody></table></section></main><footer>sluice " SLUICE_VERSION
          " · peak reserved by chunk tasks " +
          Mib(record.peak_reserved_bytes) + "</footer></body></html>\n";
  return html;  // errors were redacted when recorded
}

Status WriteRunReport(const RunRecord& record, const std::string& path) {
  return AtomicFile::WriteWhole(path, RenderRunReport(record));
}

}  // namespace sluice::runner::pipeline
