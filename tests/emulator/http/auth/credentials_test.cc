#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "emulator/http/auth/credentials.h"

namespace hayloft::http::auth {
namespace {

TEST(AuthCredentials, LoadsTheAuthSection) {
  auto root = YAML::Load(R"(
port: 4566
auth:
  credentials:
    - access_key_id: AKIAIOSFODNN7EXAMPLE
      secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
    - access_key_id: AKIDTOKEN
      secret_access_key: other
      session_token: tok==
      account_id: "111122223333"
)");
  auto loaded = load_credentials(root);
  ASSERT_TRUE(loaded.ok()) << loaded.err().message;
  EXPECT_EQ(loaded->size(), 2u);
  auto c = loaded->find("AKIAIOSFODNN7EXAMPLE");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(c->session_token, "");
  EXPECT_EQ(loaded->find("AKIDTOKEN")->session_token, "tok==");
  EXPECT_EQ(loaded->find("AKIDTOKEN")->account_id, "111122223333");
  EXPECT_EQ(c->account_id, "");
  EXPECT_FALSE(loaded->find("akiaiosfodnn7example").has_value());
  EXPECT_FALSE(loaded->find("").has_value());
}

TEST(AuthCredentials, AbsentSectionIsAnEmptySet) {
  for (const char* doc : {"", "port: 1", "auth: {}", "auth:\n  credentials: []", "auth: null"}) {
    SCOPED_TRACE(doc);
    auto loaded = load_credentials(YAML::Load(doc));
    ASSERT_TRUE(loaded.ok()) << loaded.err().message;
    EXPECT_EQ(loaded->size(), 0u);
  }
}

TEST(AuthCredentials, MalformedSectionsAreConfigErrors) {
  struct {
    const char* doc;
    const char* mentions;
  } cases[] = {
      {"[1, 2]", "root"},
      {"auth: [1]", "auth must be a mapping"},
      {"auth: {credentials: x}", "must be a list"},
      {"auth: {credentials: [x]}", "credentials[0] must be a mapping"},
      {"auth: {credentials: [{secret_access_key: s}]}", "credentials[0].access_key_id is missing"},
      {"auth: {credentials: [{access_key_id: a}]}", "credentials[0].secret_access_key is missing"},
      {"auth: {credentials: [{access_key_id: '', secret_access_key: s}]}", "must not be empty"},
      {"auth: {credentials: [{access_key_id: [a], secret_access_key: s}]}", "must be a string"},
      {"auth: {credentials: [{access_key_id: a, secret_access_key: s, session_token: {x: 1}}]}",
       "session_token"},
      {"auth: {credentials: [{access_key_id: a, secret_access_key: s, account_id: '1234'}]}", "account_id must be 12 digits"},
      {"auth: {credentials: [{access_key_id: a, secret_access_key: s}, {access_key_id: a, "
       "secret_access_key: t}]}",
       "duplicate access_key_id a"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.doc);
    auto loaded = load_credentials(YAML::Load(c.doc));
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.code(), make_error_code(errc::config_invalid));
    EXPECT_NE(loaded.err().message.find(c.mentions), std::string::npos) << loaded.err().message;
  }
}

TEST(AuthCredentials, LoadsFromAFileAndReportsUnreadableOnes) {
  auto dir =
      std::filesystem::temp_directory_path() / ("hayloft-auth-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto good = dir / "hayloft.yaml";
  {
    std::ofstream out(good);
    out << "auth:\n  credentials:\n    - {access_key_id: A, secret_access_key: B}\n";
  }
  auto loaded = load_credentials_file(good);
  ASSERT_TRUE(loaded.ok()) << loaded.err().message;
  EXPECT_EQ(loaded->find("A")->secret_access_key, "B");

  auto missing = load_credentials_file(dir / "absent.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.code(), make_error_code(errc::config_unreadable));

  auto broken = dir / "broken.yaml";
  {
    std::ofstream out(broken);
    out << "auth: {credentials: [\n";
  }
  auto bad = load_credentials_file(broken);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), make_error_code(errc::config_unreadable));
  std::filesystem::remove_all(dir);
}

TEST(AuthCredentials, ErrorCategoryNamesItsCodes) {
  EXPECT_STREQ(auth_category().name(), "hayloft.auth");
  EXPECT_EQ(make_error_code(errc::config_invalid).message(), "auth config is invalid");
  EXPECT_EQ(make_error_code(errc::config_unreadable).message(), "auth config cannot be read");
}

}  // namespace
}  // namespace hayloft::http::auth
