// SPDX-License-Identifier: Apache-2.0
#pragma once
// The event log, one include: record kinds and codecs, framing, writer, reader/repair, opening
// (new or resumed). Format in docs/recording.md.
#include "record/crc32c.hpp"
#include "record/log_format.hpp"
#include "record/log_open.hpp"
#include "record/log_reader.hpp"
#include "record/log_writer.hpp"
#include "record/records.hpp"
