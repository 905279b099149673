// SPDX-License-Identifier: Apache-2.0
// The one `ion` binary: subcommands registered from cmd_*.cpp; errors become one clear message
// and one exit status of the scheme in cli/exit_codes.hpp (usage errors: 2, with a suggestion for
// a mistyped subcommand or option).
#include <cstdio>
#include <exception>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/suggest.hpp"

namespace {

using ion::cli::exit_code::kFailed;
using ion::cli::exit_code::kUsage;

// The subcommand the parse reached: "ion" itself, "ion run", "ion device read", ...
const CLI::App& reached(const CLI::App& app) {
  const auto subs = app.get_subcommands();
  return subs.empty() ? app : reached(*subs.front());
}

std::string command_path(const CLI::App& app) {
  const CLI::App* parent = app.get_parent();
  return parent ? command_path(*parent) + " " + app.get_name() : app.get_name();
}

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* o : app.get_options()) {
    for (const auto& l : o->get_lnames()) names.push_back("--" + l);
    for (const auto& s : o->get_snames()) names.push_back("-" + s);
  }
  return names;
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(s->get_name());
  return names;
}

// "'rn' is not an ion command; did you mean 'run'?" for the first argument nobody took that looks
// like a mistyped subcommand or option; "" when there is none.
std::string unknown_argument(const CLI::App& app, const CLI::App& at) {
  const std::string path = command_path(at);
  for (std::string arg : app.remaining(true)) {
    if (arg.rfind("--", 0) == 0) arg = arg.substr(0, arg.find('='));
    if (arg.size() > 1 && arg[0] == '-')
      return "unknown option '" + arg + "' for '" + path + "';" +
             ion::cli::did_you_mean(ion::cli::suggest(arg, option_names(at)));
    if (!at.get_subcommands([](const CLI::App*) { return true; }).empty())
      return "'" + arg + "' is not an '" + path + "' command;" +
             ion::cli::did_you_mean(ion::cli::suggest(arg, subcommand_names(at)));
  }
  return "";
}

// Prints a usage error (CLI11's own text unless an argument was unknown) and returns 2.
int usage_error(const CLI::App& app, const CLI::ParseError& e) {
  const CLI::App& at = reached(app);
  std::string message = unknown_argument(app, at);
  if (message.empty()) message = e.what();
  if (message.back() == ';') message.pop_back();
  const std::string path = command_path(at);
  std::fprintf(stderr, "%s: error: %s\nRun '%s --help' for usage.\n", path.c_str(), message.c_str(), path.c_str());
  return kUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ion — the Internet of Neuro-electronics toolkit and runtime", "ion"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ion 0.1.0");
  ion::cli::add_all_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0 in CLI11; they print and exit 0.
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    return usage_error(app, e);
  } catch (const ion::cli::CliError& e) {
    // Some handlers already name themselves ("ion report: ..."); the others get "ion: ".
    const std::string_view what = e.what();
    if (!what.empty()) std::fprintf(stderr, "%s%s\n", what.rfind("ion ", 0) == 0 ? "" : "ion: ", e.what());
    return e.code;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ion: error: %s\n", e.what());
    return kFailed;
  }
  return 0;
}
