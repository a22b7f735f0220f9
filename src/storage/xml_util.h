// Just enough XML for S3 responses (ListObjectsV2, InitiateMultipartUpload, Error bodies):
// find the inner text of <Tag>...</Tag> elements and decode the five entities and &#...;.
// S3 response documents are flat and never use CDATA or attributes on the elements we read.
// Thread-safety: pure functions. Returned views point into the input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice::storage {

/// Inner text of every <tag>...</tag> (not nested in another <tag>), in document order.
std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag);
/// Inner text of the first <tag>, decoded; "" when absent.
std::string XmlFirst(std::string_view xml, std::string_view tag);
/// Decodes &amp; &lt; &gt; &quot; &apos; and numeric character references.
std::string XmlDecode(std::string_view text);
/// Escapes & < > " ' for element text.
std::string XmlEscape(std::string_view text);

}  // namespace sluice::storage
