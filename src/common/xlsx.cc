#include "common/xlsx.h"

#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

namespace sl::xlsx {

namespace {

// Excel's rules: ≤ 31 characters (counted here in bytes, cut on a UTF-8
// boundary), none of []:*?/\ , unique within the workbook.
std::string ValidSheetName(const std::string& wanted, std::set<std::string>& used) {
  std::string name;
  for (char c : wanted) name += std::string("[]:*?/\\").find(c) == std::string::npos ? c : '_';
  if (!name.empty() && name.front() == '\'') name.front() = '_';  // Excel refuses a leading or trailing apostrophe
  if (!name.empty() && name.back() == '\'') name.back() = '_';
  if (name.empty()) name = "Sheet";
  auto cut = [](std::string s, size_t max) {
    if (s.size() <= max) return s;
    size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    return s.substr(0, end);
  };
  name = cut(name, 31);
  std::string candidate = name;
  for (int n = 2; used.count(candidate); ++n) {
    std::string suffix = "_" + std::to_string(n);
    candidate = cut(name, 31 - suffix.size()) + suffix;
  }
  used.insert(candidate);
  return candidate;
}

}  // namespace

Result<std::string> Build(const std::vector<Sheet>& sheets) {
  const char* tmp_env = std::getenv("TMPDIR");
  std::string dir = tmp_env && *tmp_env ? tmp_env : "/tmp";
  std::string path = dir + "/sightline-xlsx-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) return Error::Internal("cannot create a temporary file for the spreadsheet in " + dir);
  close(fd);
  struct Remove {
    std::string path;
    ~Remove() { std::remove(path.c_str()); }
  } remove{path};

  lxw_workbook_options options = {};
  options.constant_memory = LXW_FALSE;
  options.tmpdir = dir.data();
  lxw_workbook* book = workbook_new_opt(path.c_str(), &options);
  if (!book) return Error::Internal("cannot start the spreadsheet");
  lxw_format* bold = workbook_add_format(book);
  format_set_bold(bold);
  lxw_format* money = workbook_add_format(book);
  format_set_num_format(money, "#,##0.00");
  lxw_format* percent = workbook_add_format(book);
  format_set_num_format(percent, "0.0%");

  std::set<std::string> used;
  std::vector<Sheet> fallback;
  const auto& all = sheets.empty() ? (fallback = {Sheet{"Sheet1", {}, {}}}) : sheets;
  for (const auto& sheet : all) {
    std::string name = ValidSheetName(sheet.name, used);
    lxw_worksheet* ws = workbook_add_worksheet(book, name.c_str());
    if (!ws) {
      workbook_close(book);
      return Error::Internal("the spreadsheet refused the sheet name '" + name + "'");
    }
    const lxw_row_t header_row = sheet.title.empty() ? 0 : 1;
    if (!sheet.title.empty()) worksheet_write_string(ws, 0, 0, sheet.title.c_str(), bold);
    for (size_t c = 0; c < sheet.headers.size(); ++c) {
      worksheet_write_string(ws, header_row, static_cast<lxw_col_t>(c), sheet.headers[c].c_str(), bold);
      // Wide enough for the header (CJK characters count double) and typical values.
      double width = std::max<double>(10, static_cast<double>(sheet.headers[c].size()) * 0.9 + 2);
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width, nullptr);
    }
    if (!sheet.headers.empty()) worksheet_freeze_panes(ws, header_row + 1, 0);
    lxw_row_t r = sheet.headers.empty() ? header_row : header_row + 1;
    for (const auto& row : sheet.rows) {
      for (size_t c = 0; c < row.size(); ++c) {
        auto col = static_cast<lxw_col_t>(c);
        const Cell& cell = row[c];
        if (auto* s = std::get_if<std::string>(&cell)) {
          worksheet_write_string(ws, r, col, s->c_str(), nullptr);
        } else if (auto* i = std::get_if<int64_t>(&cell)) {
          worksheet_write_number(ws, r, col, static_cast<double>(*i), nullptr);
        } else if (auto* d = std::get_if<double>(&cell)) {
          worksheet_write_number(ws, r, col, *d, nullptr);
        } else if (auto* f = std::get_if<Fen>(&cell)) {
          worksheet_write_number(ws, r, col, static_cast<double>(f->value) / 100.0, money);
        } else if (auto* p = std::get_if<Percent>(&cell)) {
          worksheet_write_number(ws, r, col, p->value, percent);
        }
      }
      ++r;
    }
  }
  lxw_error status = workbook_close(book);
  if (status != LXW_NO_ERROR)
    return Error::Internal(std::string("cannot write the spreadsheet: ") + lxw_strerror(status));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Internal("cannot read back the spreadsheet");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace sl::xlsx
