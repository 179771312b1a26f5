// The 12345 hotline import.
//
// The hotline platform exports the tickets it hands to the bureau as CSV
// (UTF-8, optional BOM, comma-separated, RFC 4180 quoting). The first line
// names the columns, in any order:
//
//   ticket       工单编号, required, unique per ticket: importing the same file
//                twice files nothing twice
//   received_at  受理时间, required: "2026-11-28 09:30", "2026-11-28 09:30:15"
//                (China time) or ISO 8601 with offset
//   category     an event category code ("illegal_parking") or its Chinese
//                name ("乱停车"), required
//   address      地址; required unless lon and lat are given
//   lon, lat     WGS-84, optional (both or neither)
//   description  诉求内容, required
//   contact      the caller's phone, optional (never shown publicly)
//
// Every good row is filed as a "collected" event with source "hotline" in its
// own transaction; a bad row writes nothing and is reported with its line
// number and the column at fault.
#include <charconv>
#include <map>

#include "common/time.h"
#include "events/event_service.h"

namespace sl::events {

namespace {

// Splits CSV text into records of fields; `lines` gets each record's first line number.
Result<std::vector<std::vector<std::string>>> ParseCsv(std::string_view text, std::vector<int>& lines) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, field_started = false;
  int line = 1, record_line = 1;
  auto end_field = [&] {
    record.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_record = [&] {
    end_field();
    if (!(record.size() == 1 && record[0].empty())) {
      records.push_back(std::move(record));
      lines.push_back(record_line);
    }
    record.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\r') {
      continue;
    } else if (c == '\n') {
      end_record();
      record_line = ++line;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted) return Error::BadRequest("line " + std::to_string(record_line) + ": a quoted field is not closed", "file");
  if (!field.empty() || !record.empty()) end_record();
  return records;
}

std::optional<int64_t> ParseReceived(const std::string& text) {
  if (auto iso = ParseIso8601(text)) return iso;
  // "YYYY-MM-DD HH:MM[:SS]" in China time.
  if (text.size() == 16 || text.size() == 19) {
    std::string iso = text;
    iso[10] = 'T';
    if (text.size() == 16) iso += ":00";
    return ParseIso8601(iso + "+08:00");
  }
  return std::nullopt;
}

std::optional<double> ParseNumber(const std::string& s) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

Result<HotlineImportReport> EventService::ImportHotlineCsv(const auth::Principal& who, std::string_view csv) {
  if (csv.substr(0, 3) == "\xEF\xBB\xBF") csv.remove_prefix(3);
  std::vector<int> lines;
  SL_ASSIGN_OR_RETURN(auto records, ParseCsv(csv, lines));
  if (records.empty()) return Error::BadRequest("the file is empty; the first line names the columns", "file");
  if (records.size() > 20001) return Error::BadRequest("at most 20,000 tickets per file", "file");
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < records[0].size(); ++i) column[records[0][i]] = i;
  for (const char* required : {"ticket", "received_at", "category", "description"})
    if (!column.count(required))
      return Error::BadRequest(std::string("the header line has no column '") + required +
                                   "' (columns: ticket, received_at, category, address, lon, lat, description, contact)",
                               "file");
  SL_ASSIGN_OR_RETURN(auto categories, Categories());
  HotlineImportReport report;
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    auto get = [&](const char* name) -> std::string {
      auto it = column.find(name);
      return it == column.end() || it->second >= rec.size() ? std::string() : rec[it->second];
    };
    auto bad = [&](std::string field, std::string message) {
      report.bad.push_back({lines[r], std::move(field), std::move(message)});
    };
    if (rec.size() != records[0].size()) {
      bad("", "has " + std::to_string(rec.size()) + " columns, the header " + std::to_string(records[0].size()));
      continue;
    }
    NewEvent e;
    e.source = "hotline";
    e.source_ref = get("ticket");
    if (e.source_ref.empty()) {
      bad("ticket", "ticket is empty");
      continue;
    }
    auto received = ParseReceived(get("received_at"));
    if (!received) {
      bad("received_at", "received_at must be like 2026-11-28 09:30");
      continue;
    }
    e.occurred_at_ms = *received;
    const std::string category = get("category");
    for (const Category& c : categories)
      if (c.code == category || c.name == category) e.category = c.code;
    if (e.category.empty()) {
      bad("category", "no event category '" + category + "'");
      continue;
    }
    e.address = get("address");
    const std::string lon = get("lon"), lat = get("lat");
    if (!lon.empty() || !lat.empty()) {
      auto x = ParseNumber(lon), y = ParseNumber(lat);
      if (!x || !y) {
        bad(!x ? "lon" : "lat", "lon and lat must both be decimal degrees");
        continue;
      }
      e.lon = x, e.lat = y;
    }
    e.description = get("description");
    if (e.description.empty()) {
      bad("description", "description is empty");
      continue;
    }
    e.reporter_contact = get("contact");
    e.title = "12345 " + e.source_ref;
    auto collected = Collect(who, e);
    if (!collected.ok()) {
      bad(collected.error().field, collected.error().message);
    } else if (collected->created) {
      ++report.imported;
    } else {
      ++report.duplicates;
    }
  }
  return report;
}

}  // namespace sl::events
