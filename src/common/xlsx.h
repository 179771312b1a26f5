// Spreadsheet export (.xlsx) for the tables officials download: one or more
// sheets, a bold header row, typed cells. Built with libxlsxwriter, which
// writes through a temporary file; the bytes are returned and the file removed.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "common/result.h"

namespace sl::xlsx {

// Money in fen, written as yuan with two decimals so sums work in the sheet.
struct Fen {
  int64_t value = 0;
};

// A share (0.25), shown as a percentage ("25.0%").
struct Percent {
  double value = 0;
};

// An empty cell, text, an integer, a decimal, money or a share.
using Cell = std::variant<std::monostate, std::string, int64_t, double, Fen, Percent>;

struct Sheet {
  std::string name;                  // at most 31 characters, no []:*?/\ (replaced by '_')
  std::vector<std::string> headers;  // the header row, bold, frozen
  std::string title;                 // optional line above the headers (e.g. the query's filter), bold
  std::vector<std::vector<Cell>> rows;
};

// The workbook's bytes. Fails (kInternal) only when the temporary file cannot
// be written; sheet names are made valid and unique rather than refused.
Result<std::string> Build(const std::vector<Sheet>& sheets);

// The content type to serve it with.
inline constexpr const char* kContentType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

}  // namespace sl::xlsx
