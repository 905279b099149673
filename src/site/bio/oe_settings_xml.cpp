// SPDX-License-Identifier: Apache-2.0
// settings.xml of an Open Ephys session: the signal chain (source processor → Record Node) with the
// stream, its channel map and bit-volts, in the element names of the GUI 0.6 settings file
// (docs/recording.md "Open Ephys session").
#include <string>

#include <fmt/format.h>

#include "core/markup.hpp"
#include "site/bio/openephys.hpp"

namespace ion::bio {

namespace {
std::string stream_element(const OeStreamSpec& s, const char* indent) {
  return fmt::format(
      "{}<STREAM name=\"{}\" description=\"ion signal stream\" sample_rate=\"{:.1f}\" "
      "channel_count=\"{}\">\n{}  <PARAMETERS/>\n{}</STREAM>\n",
      indent, markup_escape(s.stream), s.sample_rate_hz, s.channels, indent, indent);
}

std::string channel_map(const OeStreamSpec& s) {
  std::string out = "        <CHANNEL_INFO>\n";
  for (uint32_t c = 0; c < s.channels; ++c)
    out += fmt::format("          <CHANNEL name=\"CH{}\" number=\"{}\" gain=\"{}\"/>\n", c + 1, c, s.bit_volts_uv);
  return out + "        </CHANNEL_INFO>\n";
}

std::string source_processor(const OeStreamSpec& s) {
  return fmt::format(
      "    <PROCESSOR name=\"{0}\" insertionPoint=\"0\" pluginName=\"{0}\" type=\"0\" index=\"0\" "
      "libraryName=\"ion\" libraryVersion=\"\" processorType=\"2\" nodeId=\"{1}\">\n"
      "      <GLOBAL_PARAMETERS/>\n{2}      <CUSTOM_PARAMETERS>\n{3}      </CUSTOM_PARAMETERS>\n"
      "    </PROCESSOR>\n",
      markup_escape(s.processor), s.processor_id, stream_element(s, "      "), channel_map(s));
}

std::string record_node(const OeStreamSpec& s) {
  return fmt::format(
      "    <PROCESSOR name=\"Record Node\" insertionPoint=\"1\" pluginName=\"Record Node\" type=\"0\" "
      "index=\"1\" libraryName=\"\" libraryVersion=\"\" processorType=\"8\" nodeId=\"{0}\">\n"
      "      <GLOBAL_PARAMETERS/>\n{1}      <CUSTOM_PARAMETERS path=\".\" engine=\"BINARY\" recordEvents=\"1\" "
      "recordSpikes=\"0\">\n"
      "        <STREAM isMainStream=\"1\" sync_line=\"0\" name=\"{2}\" source_node_id=\"{3}\" "
      "sample_rate=\"{4:.1f}\" channel_count=\"{5}\" recording_state=\"ALL\"/>\n"
      "      </CUSTOM_PARAMETERS>\n    </PROCESSOR>\n",
      s.record_node_id, stream_element(s, "      "), markup_escape(s.stream), s.processor_id, s.sample_rate_hz,
      s.channels);
}
}  // namespace

std::string oe_settings_xml(const OeStreamSpec& s) {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\n<SETTINGS>\n  <INFO>\n    <VERSION>{}</VERSION>\n"
      "    <PLUGIN_API_VERSION>8</PLUGIN_API_VERSION>\n    <MACHINE name=\"ion\"/>\n  </INFO>\n"
      "  <SIGNALCHAIN>\n{}{}  </SIGNALCHAIN>\n"
      "  <CONTROLPANEL isOpen=\"0\" recordPath=\".\" recordEngine=\"BINARY\" clockMode=\"0\"/>\n</SETTINGS>\n",
      kOeGuiVersion, source_processor(s), record_node(s));
}

}  // namespace ion::bio
