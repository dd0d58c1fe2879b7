// The report page (see report_page.h).
#include "trainer/report/report_page.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "trainer/report/report_assets.h"
#include "trainer/report/svg_chart.h"
#include "trainer/report/viewer_data.h"

namespace recur::trainer {
namespace {

std::string fixed(double v, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, v);
  return text;
}

std::string duration_text(double seconds) {
  const int64_t s = static_cast<int64_t>(std::llround(seconds));
  if (s < 120) return std::to_string(s) + " s";
  if (s < 7200) return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
  return std::to_string(s / 3600) + " h " + std::to_string((s % 3600) / 60) + " min";
}

std::string row_html(const std::string& name, const std::string& value_html) {
  return "<tr><th>" + html_escape(name) + "</th><td>" + value_html + "</td></tr>";
}

// "finished", "stopped (exit 75: stop signal)", ... of the run's newest process.
std::string status_html(const nlohmann::json& record) {
  if (!record.is_object() || record.value("processes", nlohmann::json::array()).empty())
    return "<span class=\"badge unknown\">unknown</span>";
  const nlohmann::json& p = record["processes"].back();
  const std::string status = p.value("status", "unknown");
  std::string text = status;
  if (p.contains("exit_code")) text += " (exit " + std::to_string(p["exit_code"].get<int>()) + ")";
  std::string html = "<span class=\"badge " + html_escape(status) + "\" id=\"run-status\">" + html_escape(text) + "</span>";
  if (status == "running")
    html += " since " + html_escape(p.value("started", "?")) +
            ", or the process was killed without a word (kill -9, a lost node): resume continues from the last checkpoint";
  else if (status == "stopped")
    html += " " + html_escape(p.value("reason", "")) + ": <code>recur train</code> with the same run_dir continues it";
  else if (p.contains("reason"))
    html += " " + html_escape(p["reason"].get<std::string>());
  return html;
}

std::string facts_html(const RunFolder& run) {
  std::string t = "<table class=\"facts\" id=\"facts\">";
  t += row_html("run folder", "<code>" + html_escape(run.dir) + "</code>");
  const nlohmann::json& r = run.record;
  if (r.is_object()) {
    t += row_html("recipe", "<code>" + html_escape(r.value("recipe", "?")) + "</code>");
    t += row_html("status", status_html(r));
    t += row_html("recur", html_escape(r.value("recur", "?")));
    const nlohmann::json processes = r.value("processes", nlohmann::json::array());
    if (!processes.empty()) {
      const nlohmann::json& last = processes.back();
      t += row_html("ranks, device", html_escape(std::to_string(last.value("world_size", 1)) + " x " +
                                                 last.value("device", "?") + ", " +
                                                 std::to_string(last.value("threads", 1)) + " thread(s) per rank on " +
                                                 last.value("host", "?")));
      t += row_html("started", html_escape(processes.front().value("started", "?")));
      if (last.contains("ended")) t += row_html("ended", html_escape(last["ended"].get<std::string>()));
      std::string list;
      for (const nlohmann::json& p : processes) {
        list += "<li>steps " + std::to_string(p.value("first_step", 0)) + " to " +
                (p.contains("last_step") ? std::to_string(p["last_step"].get<int64_t>()) : std::string("?")) + ": " +
                html_escape(p.value("status", "?")) + (p.contains("reason") ? ", " + html_escape(p["reason"].get<std::string>()) : "") +
                "</li>";
      }
      t += row_html("processes", std::to_string(processes.size()) + "<ol class=\"processes\">" + list + "</ol>");
    }
  }
  if (run.config) {
    const Config& c = *run.config;
    t += row_html("model", html_escape(c.arch.name + (c.arch.mlp_t ? "-MLP" : "") + ", hidden " +
                                       std::to_string(c.arch.hidden_size) + ", H_cycles " +
                                       std::to_string(c.arch.H_cycles) + ", L_cycles " +
                                       std::to_string(c.arch.L_cycles) + ", halt_max_steps " +
                                       std::to_string(c.arch.halt_max_steps)));
    std::string data;
    for (const std::string& p : c.data_paths) data += (data.empty() ? "" : ", ") + p;
    t += row_html("data", "<code>" + html_escape(data) + "</code>");
    t += row_html("batch, epochs", std::to_string(c.global_batch_size) + " examples per step, " +
                                       std::to_string(c.epochs) + " epochs, evaluation every " +
                                       std::to_string(c.eval_interval));
  }
  if (!run.train_rows.empty()) {
    const nlohmann::json& last = run.train_rows.back();
    t += row_html("steps trained", "<span id=\"steps-trained\">" + std::to_string(last["step"].get<int64_t>()) +
                                       "</span>" +
                                       (last.contains("epoch") ? " (epoch " + fixed(last["epoch"].get<double>(), 2) + ")" : ""));
    if (last.contains("train_seconds"))
      t += row_html("training wall-clock", duration_text(last["train_seconds"].get<double>()));
  }
  double eval_seconds = 0;
  for (const nlohmann::json& e : run.eval_rows) eval_seconds += e.value("eval_seconds", 0.0);
  if (!run.eval_rows.empty())
    t += row_html("evaluations", std::to_string(run.eval_rows.size()) + ", " + duration_text(eval_seconds) + " in all");
  return t + "</table>";
}

std::string missing_html(const RunFolder& run) {
  if (run.missing.empty()) return "";
  std::string html = "<section id=\"missing\"><h2>What this folder lacks</h2><ul>";
  for (const std::string& m : run.missing) html += "<li>" + html_escape(m) + "</li>";
  return html + "</ul></section>";
}

// One chart per group of metrics, against step and against wall-clock.
struct CurveGroup {
  std::string title;
  std::vector<std::string> keys;
  AxisFormat y_format;
};

std::string chart_pair(const std::vector<nlohmann::json>& rows, const CurveGroup& g) {
  std::string html;
  for (const bool time : {false, true}) {
    ChartSpec spec{g.title, time ? "training wall-clock" : "step", time ? AxisFormat::kSeconds : AxisFormat::kNumber,
                   g.y_format, {}};
    for (const std::string& key : g.keys) {
      ChartSeries s{key.rfind("eval/", 0) == 0 ? key.substr(5) : key, {}, {}};
      for (const nlohmann::json& row : rows) {
        const char* x_key = time ? "train_seconds" : "step";
        if (!row.contains(key) || !row[key].is_number() || !row.contains(x_key)) continue;
        s.x.push_back(row[x_key].get<double>());
        s.y.push_back(row[key].get<double>());
      }
      if (!s.x.empty()) spec.series.push_back(std::move(s));
    }
    const std::string svg = line_chart_svg(spec);
    if (svg.empty()) return "";
    html += "<div class=\"" + std::string(time ? "by-time" : "by-step") + "\">" + svg + "</div>";
  }
  return "<figure class=\"curve\">" + html + "</figure>";
}

std::vector<std::string> eval_metric_keys(const std::vector<nlohmann::json>& rows) {
  std::set<std::string> keys;
  for (const nlohmann::json& row : rows) {
    for (const auto& [key, value] : row.items()) {
      if (key.rfind("eval/", 0) == 0 && value.is_number() && key != "eval/count") keys.insert(key);
    }
  }
  return {keys.begin(), keys.end()};
}

std::string curves_html(const RunFolder& run) {
  if (run.train_rows.empty() && run.eval_rows.empty()) return "";
  std::string html =
      "<section id=\"curves\"><h2>Curves</h2><div class=\"x-axis\">x axis: "
      "<button type=\"button\" data-x=\"step\" class=\"on\">step</button>"
      "<button type=\"button\" data-x=\"time\">wall-clock</button></div><div class=\"charts\">";
  const std::vector<CurveGroup> train = {
      {"training loss", {"loss", "lm_loss", "q_halt_loss", "q_continue_loss"}, AxisFormat::kNumber},
      {"accuracy on training batches", {"accuracy", "exact_accuracy", "q_halt_accuracy"}, AxisFormat::kPercent},
      {"learning rate", {"lr"}, AxisFormat::kNumber},
      {"samples per second", {"samples_per_s"}, AxisFormat::kNumber},
      {"mean ACT steps", {"steps"}, AxisFormat::kNumber},
  };
  for (const CurveGroup& g : train) html += chart_pair(run.train_rows, g);
  std::vector<std::string> accuracy, other;
  for (const std::string& key : eval_metric_keys(run.eval_rows)) {
    const bool fraction = key.find("accuracy") != std::string::npos || key.find("pass@") != std::string::npos;
    if (key.find("/ci95_") != std::string::npos) continue;  // intervals are in the table
    (fraction ? accuracy : other).push_back(key);
  }
  html += chart_pair(run.eval_rows, {"evaluation: accuracy and pass@K", accuracy, AxisFormat::kPercent});
  html += chart_pair(run.eval_rows, {"evaluation: loss and ACT steps", other, AxisFormat::kNumber});
  return html + "</div></section>";
}

// The value of an eval metric, with its 95% interval when the row has one.
std::string metric_cell(const nlohmann::json& row, const std::string& key) {
  if (!row.contains(key) || !row[key].is_number()) return "<td></td>";
  const double v = row[key].get<double>();
  const bool fraction = key.find("accuracy") != std::string::npos || key.find("pass@") != std::string::npos;
  std::string text = fraction ? fixed(100 * v, 2) + "%" : fixed(v, 4);
  const std::string lo = key + "/ci95_low", hi = key + "/ci95_high";
  if (fraction && row.contains(lo) && row.contains(hi) && row[lo].is_number() && row[hi].is_number())
    text += " <span class=\"ci\">[" + fixed(100 * row[lo].get<double>(), 1) + ", " +
            fixed(100 * row[hi].get<double>(), 1) + "]</span>";
  return "<td data-key=\"" + html_escape(key) + "\">" + text + "</td>";
}

std::string evaluations_html(const RunFolder& run) {
  if (run.eval_rows.empty()) return "";
  std::vector<std::string> keys;
  for (const std::string& key : eval_metric_keys(run.eval_rows)) {
    if (key.find("/ci95_") == std::string::npos) keys.push_back(key);
  }
  std::string html = "<section id=\"evaluations\"><h2>Evaluations</h2><div class=\"scroll\"><table class=\"evals\"><tr>"
                     "<th>step</th><th>epoch</th>";
  for (const std::string& key : keys) html += "<th>" + html_escape(key.substr(5)) + "</th>";
  html += "<th>examples</th><th>time</th></tr>";
  for (const nlohmann::json& row : run.eval_rows) {
    html += "<tr><td>" + std::to_string(row["step"].get<int64_t>()) + "</td><td>" +
            (row.contains("epoch") ? fixed(row["epoch"].get<double>(), 2) : "") + "</td>";
    for (const std::string& key : keys) html += metric_cell(row, key);
    html += "<td>" + (row.contains("eval/count") ? fixed(row["eval/count"].get<double>(), 0) : "") + "</td><td>" +
            (row.contains("eval_seconds") ? duration_text(row["eval_seconds"].get<double>()) : "") + "</td></tr>";
  }
  return html + "</table></div><p class=\"note\">Percentages in brackets: 95% confidence intervals, where the "
                "evaluator gives them.</p></section>";
}

std::string config_html(const RunFolder& run) {
  if (run.config_yaml.empty()) return "";
  return "<section id=\"config\"><details><summary>Resolved config (config.yaml)</summary><pre>" +
         html_escape(run.config_yaml) + "</pre></details></section>";
}

// JSON inside <script>: "</" would end the element early.
std::string script_safe(std::string json) {
  for (size_t at = json.find("</"); at != std::string::npos; at = json.find("</", at + 3)) json.replace(at, 2, "<\\/");
  return json;
}

}  // namespace

std::string report_html(RunFolder& run) {
  const nlohmann::json data = viewer_data(run);  // first: it may add to run.missing
  std::string title = "recur report: " + run.dir;
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
                     html_escape(title) + "</title><style>" + std::string(kReportCss) + "</style></head><body>";
  html += "<header><h1>" + html_escape(title) + "</h1></header><main>";
  html += "<section id=\"run\"><h2>Run</h2>" + facts_html(run) + "</section>";
  html += missing_html(run);
  html += config_html(run);
  html += curves_html(run);
  html += evaluations_html(run);
  html += "<section id=\"viewer\"><h2>Predictions</h2><div id=\"viewer-root\"><p class=\"note\">The prediction "
          "viewer needs JavaScript.</p></div></section>";
  html += "</main><script type=\"application/json\" id=\"recur-data\">" + script_safe(data.dump()) + "</script>";
  html += "<script>" + std::string(kReportJs) + "</script></body></html>\n";
  return html;
}

}  // namespace recur::trainer
