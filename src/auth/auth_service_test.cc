// Token expiry and login throttling on a clock the test moves, on both stores.
#include "auth/auth_service.h"

#include <gtest/gtest.h>

#include "api/schema.h"
#include "auth/password.h"
#include "store/migrations.h"
#include "support/test_db.h"

namespace sl::auth {
namespace {

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::OpenTestDatabase();
    ASSERT_TRUE(store::Migrate(*db_, api::AllMigrations()).ok());
    options_.token_ttl_ms = 60'000;
    options_.max_failures = 3;
    options_.lockout_ms = 10'000;
    auth_ = std::make_unique<AuthService>(*db_, bus_, clock_, options_);
    NewUser user{"wang", "王", Role::kOfficer, 0, 0, "right-password"};
    ASSERT_TRUE(auth_->CreateUser(user, AuthService::System()).ok());
  }
  ManualClock clock_{1'800'000'000'000};
  EventBus bus_{clock_};
  AuthOptions options_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<AuthService> auth_;
};

TEST_F(AuthServiceTest, TokenExpires) {
  auto login = auth_->Login("wang", "right-password", "10.0.0.1");
  ASSERT_TRUE(login.ok()) << login.error().message;
  EXPECT_EQ(login->expires_at_ms, clock_.NowMs() + 60'000);
  EXPECT_TRUE(auth_->Authenticate(login->token, "10.0.0.1").ok());
  clock_.Advance(60'000);
  auto expired = auth_->Authenticate(login->token, "10.0.0.1");
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthorized);
}

TEST_F(AuthServiceTest, LockoutRefusesEvenTheRightPasswordThenLifts) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(auth_->Login("wang", "guess", "10.0.0.1").error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(auth_->Login("wang", "right-password", "10.0.0.1").error().code, ErrorCode::kTooManyRequests);
  clock_.Advance(10'001);
  EXPECT_TRUE(auth_->Login("wang", "right-password", "10.0.0.1").ok());
}

TEST_F(AuthServiceTest, FailuresOutsideTheWindowDoNotAccumulate) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(auth_->Login("wang", "guess", "10.0.0.1").error().code, ErrorCode::kUnauthorized);
    if (i % 2 == 1) clock_.Advance(options_.failure_window_ms + 1);
  }
  EXPECT_TRUE(auth_->Login("wang", "right-password", "10.0.0.1").ok());
}

TEST_F(AuthServiceTest, SetPasswordRevokesSessions) {
  auto login = auth_->Login("wang", "right-password", "10.0.0.1");
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(auth_->SetPassword("wang", "another-password", AuthService::System()).ok());
  EXPECT_FALSE(auth_->Authenticate(login->token, "10.0.0.1").ok());
  EXPECT_TRUE(auth_->Login("wang", "another-password", "10.0.0.1").ok());
}

TEST_F(AuthServiceTest, StoresOnlyTokenHashes) {
  auto login = auth_->Login("wang", "right-password", "10.0.0.1");
  ASSERT_TRUE(login.ok());
  auto lease = db_->Acquire();
  auto rows = lease->Query("SELECT token_hash FROM sessions");
  ASSERT_TRUE(rows.ok());
  for (const auto& r : *rows) EXPECT_NE(r.str("token_hash"), login->token);
}

TEST(PasswordTest, Argon2idRoundTrip) {
  auto hash = HashPassword("s3cret-pass", Argon2Params{1024, 1, 1});
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=1024,t=1,p=1$", 0), 0u);
  EXPECT_TRUE(VerifyPassword("s3cret-pass", *hash));
  EXPECT_FALSE(VerifyPassword("s3cret-pasS", *hash));
  EXPECT_FALSE(VerifyPassword("s3cret-pass", "$argon2i$garbage"));
  EXPECT_FALSE(VerifyPassword("s3cret-pass", ""));
}

TEST(PolicyTest, DefaultDenyAndTable) {
  EXPECT_FALSE(Allowed("no.such.action", Role::kAdmin));
  EXPECT_TRUE(Allowed("audit.read", Role::kSupervisor));
  EXPECT_FALSE(Allowed("audit.read", Role::kAuxiliary));
  EXPECT_FALSE(Allowed("session", Role::kPublic));
  EXPECT_TRUE(Allowed("public", Role::kPublic));
  // Auxiliary staff never hold a write right in the table (Zhejiang regulation Art. 30).
  for (const auto& row : PolicyTable())
    if (row.action.ends_with(".write"))
      for (Role role : row.roles) EXPECT_NE(role, Role::kAuxiliary) << row.action;
}

}  // namespace
}  // namespace sl::auth
