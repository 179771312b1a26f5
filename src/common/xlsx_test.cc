#include "common/xlsx.h"

#include <gtest/gtest.h>

namespace sl::xlsx {
namespace {

TEST(XlsxTest, BuildsAWorkbookWithTypedCells) {
  Sheet cases{"案件统计", {"月份", "案件数", "罚款(元)", "占比"}, {}};
  cases.rows.push_back({std::string("2026-10"), int64_t{1042}, Fen{12345678}, 0.6166});
  cases.rows.push_back({std::string("2026-11"), std::monostate{}, Fen{0}, 0.5});
  auto bytes = Build({cases, Sheet{"'a[b]:c*d?e/f\\g-and-a-name-longer-than-thirty-one'", {"x"}, {}}, Sheet{"案件统计", {}, {}}});
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  ASSERT_GT(bytes->size(), 1000u);
  EXPECT_EQ(bytes->substr(0, 4), std::string("PK\x03\x04", 4));  // a zip container
  // Entry names are stored uncompressed in the zip directory.
  EXPECT_NE(bytes->find("xl/worksheets/sheet1.xml"), std::string::npos);
  EXPECT_NE(bytes->find("xl/worksheets/sheet3.xml"), std::string::npos);  // invalid and duplicate names were mended
}

TEST(XlsxTest, AnEmptyExportIsStillAWorkbook) {
  auto bytes = Build({});
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  EXPECT_NE(bytes->find("xl/workbook.xml"), std::string::npos);
}

}  // namespace
}  // namespace sl::xlsx
