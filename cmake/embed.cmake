# Turns INPUT into a C++ source defining sl::api::kOpenApiJson.
file(READ ${INPUT} content HEX)
string(LENGTH "${content}" hex_len)
math(EXPR byte_len "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
file(WRITE ${OUTPUT} "// Generated from docs/openapi.json; do not edit.\n#include <cstddef>\n#include <string_view>\nnamespace sl::api {\nstatic const unsigned char kData[] = {${bytes}0};\nextern const std::string_view kOpenApiJson(reinterpret_cast<const char*>(kData), ${byte_len});\n}\n")
