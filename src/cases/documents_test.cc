// Where a decision's QR code points: the configured public base URL, else the
// request's host.
#include "cases/documents.h"

#include <gtest/gtest.h>

namespace sl::cases {
namespace {

TEST(DocumentsTest, DecisionVerifyUrl) {
  struct Row {
    const char *why, *public_url, *host, *proto, *want;
  };
  const char* no = "桐综执罚决字〔2026〕第1号";
  const char* tail = "/verify/decision?no=%E6%A1%90%E7%BB%BC%E6%89%A7%E7%BD%9A%E5%86%B3%E5%AD%97%E3%80%942026%E3%80%95"
                     "%E7%AC%AC1%E5%8F%B7&code=ab12";
  for (const Row& row : {
           Row{"configured: the Host header is ignored", "https://zfj.tongxiang.gov.cn", "127.0.0.1:8080", "",
               "https://zfj.tongxiang.gov.cn"},
           Row{"configured with a path and a trailing slash", "https://gov.cn/zfj/", "evil.example", "https",
               "https://gov.cn/zfj"},
           Row{"unset: the Host header", "", "10.0.0.5:8080", "", "http://10.0.0.5:8080"},
           Row{"unset behind a TLS proxy", "", "zfj.example", "https", "https://zfj.example"},
           Row{"unset without a Host header", "", "", "", "http://localhost"},
       }) {
    EXPECT_EQ(DecisionVerifyUrl(row.public_url, row.host, row.proto, no, "ab12"), std::string(row.want) + tail)
        << row.why;
  }
}

}  // namespace
}  // namespace sl::cases
