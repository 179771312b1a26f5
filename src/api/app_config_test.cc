// Configuration to options: the public base URL of the decisions'
// verification page (server.public_url / SIGHTLINE_PUBLIC_URL).
#include "api/app_config.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace sl::api {
namespace {

Result<AppOptions> FromToml(const std::string& text) {
  auto config = Config::Parse(text);
  EXPECT_TRUE(config.ok());
  return OptionsFromConfig(*config, "/tmp/data");
}

TEST(AppConfigTest, PublicUrlIsValidatedAndTrimmed) {
  struct Row {
    std::string toml;
    std::string want;  // "" with ok: unset; "!" : refused naming server.public_url
  };
  for (const Row& row : std::vector<Row>{
           {"", ""},
           {"[server]\npublic_url = \"https://zfj.tongxiang.gov.cn\"\n", "https://zfj.tongxiang.gov.cn"},
           {"[server]\npublic_url = \"https://zfj.tongxiang.gov.cn/\"\n", "https://zfj.tongxiang.gov.cn"},
           {"[server]\npublic_url = \"http://10.0.0.5:8080/sightline/\"\n", "http://10.0.0.5:8080/sightline"},
           {"[server]\npublic_url = \"zfj.tongxiang.gov.cn\"\n", "!"},
           {"[server]\npublic_url = \"ftp://zfj.tongxiang.gov.cn\"\n", "!"},
           {"[server]\npublic_url = \"https://\"\n", "!"},
           {"[server]\npublic_url = \"https:///path\"\n", "!"},
           {"[server]\npublic_url = \"https://a.gov.cn/?x=1\"\n", "!"},
       }) {
    auto options = FromToml(row.toml);
    if (row.want == "!") {
      ASSERT_FALSE(options.ok()) << row.toml;
      EXPECT_EQ(options.error().field, "server.public_url");
    } else {
      ASSERT_TRUE(options.ok()) << row.toml << options.error().message;
      EXPECT_EQ(options->cases.public_url, row.want) << row.toml;
    }
  }
}

TEST(AppConfigTest, EnvironmentOverridesThePublicUrl) {
  auto config = Config::Parse("[server]\npublic_url = \"https://file.example.gov.cn\"\n");
  ASSERT_TRUE(config.ok());
  ::setenv("SIGHTLINE_PUBLIC_URL", "https://env.example.gov.cn", 1);
  ApplyEnvironment(*config);
  ::unsetenv("SIGHTLINE_PUBLIC_URL");
  auto options = OptionsFromConfig(*config, "/tmp/data");
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->cases.public_url, "https://env.example.gov.cn");
}

TEST(AppConfigTest, HearingThresholdsInYuan) {
  auto defaults = FromToml("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->cases.hearing.citizen_fen, 10'000'00);
  EXPECT_EQ(defaults->cases.hearing.organisation_fen, 100'000'00);
  auto set = FromToml("[cases]\nhearing_fine_citizen_yuan = 5000\nhearing_fine_organisation_yuan = 50000\n");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->cases.hearing.citizen_fen, 5'000'00);
  EXPECT_EQ(set->cases.hearing.organisation_fen, 50'000'00);
  auto bad = FromToml("[cases]\nhearing_fine_citizen_yuan = 0\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "cases.hearing_fine_citizen_yuan");
}

}  // namespace
}  // namespace sl::api
