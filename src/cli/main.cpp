// SPDX-License-Identifier: Apache-2.0
// The one `ion` binary: subcommands registered from cmd_*.cpp; errors become one clear message.
#include <cstdio>
#include <exception>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"ion — the Internet of Neuro-electronics toolkit and runtime"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ion 0.1.0");
  ion::cli::add_all_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const ion::cli::CliError& e) {
    if (*e.what()) std::fprintf(stderr, "ion: %s\n", e.what());
    return e.code;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ion: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
