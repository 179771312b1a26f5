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

}  // namespace
}  // namespace sl::api
