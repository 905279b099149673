// SPDX-License-Identifier: Apache-2.0
#pragma once
// Helpers for the fuzz targets: a hard failure that libFuzzer reports as a crash.
#include <cstdio>
#include <cstdlib>

#define ION_FUZZ_CHECK(cond)                                                              \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)
