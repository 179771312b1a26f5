// Removing identifying metadata from a citizen's photo before it is shown on a
// public page: the camera's EXIF block (GPS position, device make, model and
// serial, time), XMP and IPTC packets, comments and text chunks. The pixels and
// what is needed to show them right (JFIF, ICC colour profile, Adobe marker,
// PNG palette/gamma, WebP animation and alpha) are kept byte for byte.
//
//   JPEG: drops APP1 (EXIF, XMP), APP13 (IPTC/Photoshop) and COM segments
//         before the first SOS; everything from SOS on is copied as is.
//   PNG:  drops eXIf, tEXt, zTXt, iTXt and tIME chunks.
//   WebP: drops EXIF and XMP chunks, clears their flags in VP8X and fixes the
//         RIFF size.
// Bytes that are not a well-formed image of these kinds are kBadRequest
// (field "photo"); nothing is guessed.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace sl::events {

Result<std::string> StripPhotoMetadata(std::string_view bytes);

}  // namespace sl::events
