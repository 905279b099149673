// SPDX-License-Identifier: Apache-2.0
#pragma once
// Text for markup: the HTML report (report/report_html.cpp) and the Open Ephys settings.xml
// (site/bio/oe_settings_xml.cpp) escape names and values with the one function below.
#include <string>
#include <string_view>

namespace ion {

// `s` with & < > " ' replaced by &amp; &lt; &gt; &quot; &#39;: safe as element text and as a
// quoted attribute value in both HTML and XML (&#39; is a character reference in both).
std::string markup_escape(std::string_view s);

}  // namespace ion
