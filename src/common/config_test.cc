#include "common/config.h"

#include <gtest/gtest.h>

namespace sl {
namespace {

TEST(ConfigTest, ParsesSectionsAndTypes) {
  auto config = Config::Parse(R"(# Sightline
[server]
http = "0.0.0.0:8443"   # all interfaces
threads = 4
[store]
url = "postgresql://sl@db:5432/sightline"
[auth]
debug = false
[fleet.rating]
off_corridor = 5
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->Get("server.http"), "0.0.0.0:8443");
  EXPECT_EQ(*config->GetInt("server.threads").value(), 4);
  EXPECT_EQ(config->Get("store.url"), "postgresql://sl@db:5432/sightline");
  EXPECT_EQ(*config->GetBool("auth.debug").value(), false);
  EXPECT_FALSE(config->Get("server.missing"));
  EXPECT_EQ(*config->GetInt("fleet.rating.off_corridor").value(), 5);
}

TEST(ConfigTest, ErrorsNameTheLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"[server\nhttp = 1", "configuration line 1: a section header looks like [server]"},
      {"[fleet..rating]\nhttp = 1", "configuration line 1: a section header looks like [server]"},
      {"[fleet.]", "configuration line 1: a section header looks like [server]"},
      {"http 1", "configuration line 1: expected key = value"},
      {"\nhttp = localhost", "configuration line 2: values are \"strings\", integers, true or false"},
      {"a = \"open", "configuration line 1: unterminated string or unknown escape"},
      {"a = 1\na = 2", "configuration line 2: 'a' is set twice"},
      {"a b = 1", "configuration line 1: keys may contain letters, digits, '_' and '-'"},
  };
  for (const auto& c : cases) {
    auto config = Config::Parse(c.text);
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_EQ(config.error().message, c.message);
  }
}

TEST(ConfigTest, WrongTypeIsAnError) {
  auto config = Config::Parse("threads = \"four\"");
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->GetInt("threads").ok());
}

TEST(ConfigTest, MissingFileIsEmpty) {
  auto config = Config::LoadFile("/nonexistent/sightline.toml");
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->values().empty());
}

}  // namespace
}  // namespace sl
