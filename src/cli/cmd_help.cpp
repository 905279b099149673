// SPDX-License-Identifier: Apache-2.0
// `ion help [TOPIC]`: `ion help experiment` prints every key of an experiment file, from the key
// tables of docs/experiment.md compiled into the binary (one source: the documentation is what
// is printed, and tests/cli/manners_test.cpp checks it against the keys the loader reads);
// `ion help COMMAND` is `ion COMMAND --help`.
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/suggest.hpp"

namespace ion::cli {
namespace {

#include "cli/experiment_doc.inc"

// The part of docs/experiment.md that holds the key tables.
constexpr std::string_view kFirstSection = "## `[experiment]`";
constexpr std::string_view kEndSection = "## Known model names";

std::string trimmed(const std::string& s) {
  const size_t a = s.find_first_not_of(' '), b = s.find_last_not_of(' ');
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// The cells of a Markdown table row; "\|" inside a cell is a literal '|'.
std::vector<std::string> split_cells(const std::string& row) {
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size() && row[i + 1] == '|') {
      cell += row[++i];
    } else if (row[i] == '|') {
      cells.push_back(trimmed(cell));
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  return cells;
}

// The names in backquotes of a cell: "`from`, `to`" → {from, to}.
std::vector<std::string> quoted(const std::string& cell) {
  std::vector<std::string> out;
  for (size_t a = cell.find('`'); a != std::string::npos; a = cell.find('`', a + 1)) {
    const size_t b = cell.find('`', a + 1);
    if (b == std::string::npos) break;
    out.push_back(cell.substr(a + 1, b - a - 1));
    a = b;
  }
  return out;
}

// Markdown → terminal text: no backquotes, no bold markers.
std::string plain(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 2, "**") == 0) ++i;
    else if (s[i] != '`') out += s[i];
  }
  return out;
}

// "## `[sites.NAME]`" → "[sites.NAME]"; "### `chip` (silicon): ..." under it → "[sites.NAME.chip] (silicon): ...".
std::string section_line(const std::string& heading, std::string& top) {
  const auto names = quoted(heading);
  if (names.empty()) return "";
  const std::string rest = plain(heading.substr(heading.find('`', heading.find('`') + 1) + 1));
  if (heading.rfind("## ", 0) == 0) {
    top = names[0];
    return names[0] + rest;
  }
  std::string parent = top;
  const bool array = parent.rfind("[[", 0) == 0;
  parent = parent.substr(array ? 2 : 1, parent.size() - (array ? 4 : 2));
  return "[" + parent + "." + names[0] + "]" + rest;
}

void print_row(const std::vector<std::string>& header, const std::vector<std::string>& cells) {
  std::string text;
  for (size_t i = 1; i < cells.size() && i < header.size(); ++i) {
    if (cells[i].empty()) continue;
    const bool labelled = header[i] != "type" && header[i] != "meaning";
    text += (text.empty() ? "" : "; ") + (labelled ? header[i] + ": " : "") + plain(cells[i]);
  }
  for (const auto& key : quoted(cells[0])) std::printf("  %-22s %s\n", key.c_str(), text.c_str());
}

void print_experiment_keys() {
  const std::string_view doc = kExperimentDoc;
  const size_t from = doc.find(kFirstSection), to = doc.find(kEndSection);
  if (from == std::string_view::npos || to == std::string_view::npos)
    throw CliError("the embedded key tables are missing", 1);
  std::istringstream in(std::string(doc.substr(from, to - from)));
  std::printf("Keys of an experiment file (docs/experiment.md; values and units: its \"Values and units\").\n");
  std::string line, top;
  std::vector<std::string> header;
  for (bool in_section = false; std::getline(in, line);) {
    if (line.rfind("##", 0) == 0) {
      const std::string s = section_line(line, top);
      in_section = !s.empty();
      if (in_section) std::printf("\n%s\n", s.c_str());
    } else if (in_section && line.rfind("| key", 0) == 0) {
      header = split_cells(line);
    } else if (in_section && line.rfind("| `", 0) == 0) {
      print_row(header, split_cells(line));
    }
  }
}

void run_help(const CLI::App& root, const std::string& topic) {
  if (topic == "experiment") return print_experiment_keys();
  std::vector<std::string> topics = {"experiment"};
  for (const CLI::App* s : root.get_subcommands([](const CLI::App*) { return true; })) {
    if (s->get_name() == topic) {
      std::fputs(s->help(root.get_name()).c_str(), stdout);
      return;
    }
    topics.push_back(s->get_name());
  }
  if (topic.empty()) {
    std::fputs(root.help().c_str(), stdout);
    return;
  }
  const std::string hint = did_you_mean(suggest(topic, topics));
  throw CliError(
      "help: no help topic '" + topic + "'" + (hint.empty() ? "" : ";" + hint) + " (topics: experiment, or a command)",
      exit_code::kUsage);
}

}  // namespace

void add_help_command(CLI::App& app) {
  auto topic = std::make_shared<std::string>();
  CLI::App* c = app.add_subcommand("help",
                                   "Help on a topic: `ion help experiment` lists every key of an experiment "
                                   "file; `ion help COMMAND` is `ion COMMAND --help`");
  c->add_option("topic", *topic, "experiment, or a command");
  c->callback([&app, topic] { run_help(app, *topic); });
}

}  // namespace ion::cli
