#include "common/json.h"

#include <gtest/gtest.h>

namespace sl::json {
namespace {

TEST(JsonTest, FormatFixedForPeople) {
  EXPECT_EQ(FormatFixed(31.2, 6), "31.2");
  EXPECT_EQ(FormatFixed(120.565432, 6), "120.565432");
  EXPECT_EQ(FormatFixed(30, 6), "30");
  EXPECT_EQ(FormatFixed(-0.0000001, 6), "0");
  EXPECT_EQ(FormatFixed(1e20, 2), "100000000000000000000");
}

TEST(JsonTest, FieldErrorsNameTheField) {
  auto obj = ParseObject(R"({"a":"x","n":5,"f":1.5,"b":true,"nul":null})").value();
  EXPECT_EQ(RequiredString(obj, "a").value(), "x");
  EXPECT_EQ(RequiredString(obj, "missing").error().field, "missing");
  EXPECT_EQ(RequiredString(obj, "n").error().message, "n must be a string");
  EXPECT_EQ(RequiredInt(obj, "n").value(), 5);
  EXPECT_EQ(RequiredInt(obj, "f").error().field, "f");
  EXPECT_FALSE(OptionalString(obj, "nul").value().has_value());  // null counts as absent
  EXPECT_EQ(OptionalBool(obj, "b").value(), true);
  EXPECT_EQ(RequiredString(obj, "a", 0).error().message, "a is longer than 0 bytes");
}

TEST(JsonTest, ParseObjectRefusesNonObjects) {
  for (const char* text : {"", "[]", "1", "\"s\"", "{", "{\"a\":}", "{\"a\":1}x"}) EXPECT_FALSE(ParseObject(text).ok()) << text;
}

}  // namespace
}  // namespace sl::json
