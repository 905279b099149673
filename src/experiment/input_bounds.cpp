// SPDX-License-Identifier: Apache-2.0
#include "experiment/input_bounds.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "experiment/limits.hpp"

namespace ion::experiment {
namespace {

// A conservative scan of TOML text: comments and strings are skipped; "[" and "{" nest; a run
// of parts (bare tokens or quoted strings) joined by "." (whitespace allowed around the dots,
// as TOML allows in keys) counts its parts. Values never have more than two parts (1.5,
// 07:32:00.999), so a long run is a long dotted key or header, valid or not.
class ShapeScanner {
 public:
  explicit ShapeScanner(std::string_view text) : s_(text) {}

  // "" if the text is within bounds, else the problem; line()/col() say where.
  std::string scan() {
    while (i_ < s_.size() && problem_.empty()) step();
    return problem_;
  }
  int line() const { return at_line_; }
  int col() const { return at_col_; }

 private:
  void step() {
    const char c = s_[i_];
    if (c == '#') return skip_until_newline();
    if (c == '"' || c == '\'') return string(c);
    if (bare(c)) return bare_token();
    if (c == '.') {
      pending_dot_ = parts_ > 0;
      if (!pending_dot_) parts_ = 0;
      return advance();
    }
    if (c == ' ' || c == '\t') return advance();
    parts_ = 0;
    pending_dot_ = false;
    if (c == '[' || c == '{') nest();
    if ((c == ']' || c == '}') && depth_ > 0) --depth_;
    advance();
  }

  static bool bare(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '+';
  }

  void advance() {
    if (s_[i_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++i_;
  }

  void skip_until_newline() {
    while (i_ < s_.size() && s_[i_] != '\n') advance();
  }

  void bare_token() {
    const int line = line_, col = col_;
    while (i_ < s_.size() && bare(s_[i_])) advance();
    part(line, col);
  }

  // Basic ("...", """...""") and literal ('...', '''...''') strings; single-line ones end at a
  // newline if unterminated (the parser reports them).
  void string(char q) {
    const int line = line_, col = col_;
    const std::string_view fence = q == '"' ? "\"\"\"" : "'''";
    const bool multi = s_.substr(i_, 3) == fence;
    const size_t quote_len = multi ? 3 : 1;
    for (size_t k = 0; k < quote_len; ++k) advance();
    while (i_ < s_.size()) {
      if (q == '"' && s_[i_] == '\\' && i_ + 1 < s_.size()) {
        advance();
        advance();
      } else if (!multi && s_[i_] == '\n') {
        break;
      } else if (multi ? s_.substr(i_, 3) == fence : s_[i_] == q) {
        for (size_t k = 0; k < quote_len; ++k) advance();
        break;
      } else {
        advance();
      }
    }
    part(line, col);
  }

  void part(int line, int col) {
    if (pending_dot_ && parts_ > 0) {
      ++parts_;
    } else {
      parts_ = 1;
      run_line_ = line;
      run_col_ = col;
    }
    pending_dot_ = false;
    if (parts_ > limits::kMaxKeyParts)
      fail(run_line_, run_col_,
           "a dotted key or table header with more than " + std::to_string(limits::kMaxKeyParts) + " parts");
  }

  void nest() {
    if (++depth_ > limits::kMaxNesting)
      fail(line_, col_, "arrays or inline tables nested more than " + std::to_string(limits::kMaxNesting) + " deep");
  }

  void fail(int line, int col, std::string what) {
    problem_ = "found " + std::move(what) + ", expected at most that (experiment files are bounded before parsing)";
    at_line_ = line;
    at_col_ = col;
  }

  std::string_view s_;
  size_t i_ = 0;
  int line_ = 1, col_ = 1;
  int depth_ = 0;
  int parts_ = 0;
  bool pending_dot_ = false;
  int run_line_ = 1, run_col_ = 1;
  std::string problem_;
  int at_line_ = 1, at_col_ = 1;
};

std::string too_big(size_t bytes) {
  return "the file is larger than " + std::to_string(limits::kMaxFileBytes) + " bytes (found " + std::to_string(bytes) +
         (bytes > limits::kMaxFileBytes ? "" : "+") + "); experiment files are bounded before parsing";
}

// Reads at most kMaxFileBytes + 1 bytes from an open regular file.
Result<std::string> read_bounded(int fd) {
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return error(Errc::io_error, std::string("cannot read the experiment file: ") + std::strerror(errno));
    if (n == 0) return text;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > limits::kMaxFileBytes) return error(Errc::out_of_range, too_big(text.size()));
  }
}

}  // namespace

const char* file_type_name(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO (named pipe)";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return S_ISREG(m) ? "a regular file" : "not a regular file";
}

bool check_input_shape(std::string_view text, const std::string& file, Diagnostics& diags) {
  if (text.size() > limits::kMaxFileBytes) {
    diags.add({file, 1, 1, "", too_big(text.size())});
    return false;
  }
  ShapeScanner scanner(text);
  std::string problem = scanner.scan();
  if (problem.empty()) return true;
  diags.add({file, scanner.line(), scanner.col(), "", problem});
  return false;
}

Result<std::string> read_experiment_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return error(Errc::io_error, std::string("cannot open the experiment file: ") + std::strerror(errno));
  struct stat st {};
  Result<std::string> r = error(Errc::io_error, "cannot stat the experiment file");
  if (::fstat(fd, &st) != 0) {
    r = error(Errc::io_error, std::string("cannot stat the experiment file: ") + std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    r = error(Errc::invalid_argument, std::string("found ") + file_type_name(st.st_mode) +
                                          ", expected a regular file (an experiment TOML file)");
  } else if (static_cast<uint64_t>(st.st_size) > limits::kMaxFileBytes) {
    r = error(Errc::out_of_range, too_big(static_cast<size_t>(st.st_size)));
  } else {
    r = read_bounded(fd);
  }
  ::close(fd);
  return r;
}

}  // namespace ion::experiment
