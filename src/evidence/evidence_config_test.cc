#include "evidence/evidence_config.h"

#include <gtest/gtest.h>

namespace sl::evidence {
namespace {

TEST(EvidenceConfigTest, OneRowPerKey) {
  struct Row {
    std::string name, text, field;  // field "" means accepted
  };
  const std::vector<Row> rows = {
      {"defaults", "", ""},
      {"all keys", "[evidence]\nmax_upload_bytes = 1048576\nupload_expiry_hours = 48\nmax_bundle_bytes = 2048\n", ""},
      {"upload size zero", "[evidence]\nmax_upload_bytes = 0\n", "evidence.max_upload_bytes"},
      {"upload size not a number", "[evidence]\nmax_upload_bytes = \"big\"\n", "evidence.max_upload_bytes"},
      {"expiry zero", "[evidence]\nupload_expiry_hours = 0\n", "evidence.upload_expiry_hours"},
      {"expiry over a year", "[evidence]\nupload_expiry_hours = 9000\n", "evidence.upload_expiry_hours"},
      {"bundle negative", "[evidence]\nmax_bundle_bytes = -1\n", "evidence.max_bundle_bytes"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    auto config = Config::Parse(row.text);
    ASSERT_TRUE(config.ok()) << config.error().message;
    EvidenceOptions options;
    Status s = EvidenceOptionsFromConfig(*config, options);
    if (row.field.empty()) {
      EXPECT_TRUE(s.ok()) << s.error().message;
    } else {
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(s.error().code, ErrorCode::kBadRequest);
      EXPECT_EQ(s.error().field, row.field);
    }
  }
  auto config = Config::Parse("[evidence]\nmax_upload_bytes = 1048576\nupload_expiry_hours = 48\n");
  ASSERT_TRUE(config.ok());
  EvidenceOptions options;
  ASSERT_TRUE(EvidenceOptionsFromConfig(*config, options).ok());
  EXPECT_EQ(options.max_upload_bytes, 1048576u);
  EXPECT_EQ(options.upload_expiry_ms, 48LL * 3600 * 1000);
  EXPECT_EQ(options.max_bundle_bytes, 1ULL << 30);  // untouched
}

}  // namespace
}  // namespace sl::evidence
