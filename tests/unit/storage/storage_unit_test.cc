// Unit tests for the storage building blocks: SigV4 (AWS's published example), CRC32C, URL and
// AWS config parsing, XML helpers, encodings, backoff policy and the RS256 JWT.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "common/crc32c.h"
#include "storage/aws_config.h"
#include "storage/gcs_auth.h"
#include "storage/hashing.h"
#include "storage/object_url.h"
#include "storage/retry.h"
#include "storage/sigv4.h"
#include "storage/xml_util.h"

namespace sluice::storage {
namespace {

TEST(SigV4Test, MatchesAwsGetObjectExample) {
  // "Example: GET Object" from the S3 SigV4 header-auth docs (examplebucket, 2013-05-24).
  SigV4Input input;
  input.method = "GET";
  input.host = "examplebucket.s3.amazonaws.com";
  input.canonical_uri = "/test.txt";
  input.headers = {{"Range", "bytes=0-9"}};
  input.payload_sha256_hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  AwsCredentials credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                             ""};
  std::time_t when = 1369353600;  // 2013-05-24T00:00:00Z
  Headers headers = SignV4(input, credentials, "us-east-1", "s3", when);
  std::string authorization;
  for (const auto& [name, value] : headers) {
    if (name == "Authorization") authorization = value;
  }
  EXPECT_EQ(authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4Test, CanonicalQueryIsSortedAndValuelessParamsGetEquals) {
  // The two libcurl 7.88 bugs: unsorted parameters and "uploads" without "=".
  EXPECT_EQ(CanonicalQueryString({{"prefix", "dir/"}, {"list-type", "2"}, {"max-keys", "1"}}),
            "list-type=2&max-keys=1&prefix=dir%2F");
  EXPECT_EQ(CanonicalQueryString({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(CanonicalQueryString({{"a", "x y"}, {"A", "~"}}), "A=~&a=x%20y");
}

TEST(SigV4Test, SessionTokenIsSigned) {
  SigV4Input input{"PUT", "h", "/b/k", {}, {}, "UNSIGNED-PAYLOAD"};
  Headers headers = SignV4(input, {"AK", "SK", "TOKEN"}, "eu-west-1", "s3", 0);
  bool has_token = false;
  for (const auto& [name, value] : headers) {
    if (name == "x-amz-security-token") has_token = value == "TOKEN";
    if (name == "Authorization") {
      EXPECT_NE(value.find("x-amz-security-token"), std::string::npos);
      EXPECT_NE(value.find("/eu-west-1/s3/"), std::string::npos);
      EXPECT_EQ(value.find("SK"), std::string::npos);
    }
  }
  EXPECT_TRUE(has_token);
}

TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(Crc32c("123456789", 9), 0xE3069283u);
  EXPECT_EQ(Crc32c("", 0), 0u);
  std::string zeros(32, '\0');
  EXPECT_EQ(Crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);  // RFC 3720 B.4
  // Incremental == one shot, across the 8-byte fast path boundary.
  std::string text = "The quick brown fox jumps over the lazy dog";
  uint32_t split = Crc32c(text.data(), 13);
  split = Crc32c(text.data() + 13, text.size() - 13, split);
  EXPECT_EQ(split, Crc32c(text.data(), text.size()));
  EXPECT_EQ(split, 0x22620404u);
  EXPECT_EQ(Crc32cToBase64(0), "AAAAAA==");
  EXPECT_EQ(Crc32cToBase64(0xE3069283u), "4waSgw==");
}

TEST(EncodingTest, HexAndBase64RoundTrip) {
  EXPECT_EQ(HexEncode(Md5Raw("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Base64Encode(Md5Raw("")), "1B2M2Y8AsgTpgAmY7PhCfg==");
  for (std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(Base64Decode(Base64Encode(text)).value(), text);
    EXPECT_EQ(HexDecode(HexEncode(text)).value(), text);
  }
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
  EXPECT_FALSE(Base64Decode("a*b=").ok());
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
}

TEST(ObjectUrlTest, ParsesSchemesPrefixesAndOptions) {
  auto s3 =
      ParseObjectUrl("s3://my-bucket/a/b/?endpoint=http%3A%2F%2F127.0.0.1%3A9000&region=eu-west-1");
  ASSERT_TRUE(s3.ok()) << s3.status().ToString();
  EXPECT_EQ(s3->scheme, UrlScheme::kS3);
  EXPECT_EQ(s3->bucket, "my-bucket");
  EXPECT_EQ(s3->prefix, "a/b");
  EXPECT_EQ(s3->options.at("endpoint"), "http://127.0.0.1:9000");
  EXPECT_EQ(s3->FullKey("t/part-0.parquet"), "a/b/t/part-0.parquet");
  EXPECT_EQ(s3->Display(), "s3://my-bucket/a/b");
  auto gs = ParseObjectUrl("gs://lake_bucket");
  ASSERT_TRUE(gs.ok());
  EXPECT_EQ(gs->prefix, "");
  EXPECT_EQ(gs->FullKey("x"), "x");
  auto local = ParseObjectUrl("/tmp/lake");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->scheme, UrlScheme::kLocal);
  EXPECT_EQ(ParseObjectUrl("file:///tmp/lake")->prefix, "/tmp/lake");
  EXPECT_FALSE(ParseObjectUrl("s3://UPPER/x").ok());
  EXPECT_FALSE(ParseObjectUrl("s3://b").ok());
  EXPECT_FALSE(ParseObjectUrl("ftp://host/x").ok());
  EXPECT_FALSE(ParseObjectUrl("s3://bucket/x?secret=1").ok());
  EXPECT_FALSE(ParseObjectUrl("s3://bucket/x?addressing=sideways").ok());
  EXPECT_EQ(JoinKey("a/", "/b"), "a/b");
}

class AwsConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("aws-config-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "credentials") << "[default]\naws_access_key_id = AKDEFAULT\n"
                                           "aws_secret_access_key = SKDEFAULT\n\n[dev]\n"
                                           "aws_access_key_id=AKDEV\naws_secret_access_key=SKDEV\n"
                                           "aws_session_token=TOKDEV\n";
    std::ofstream(dir_ / "config") << "[default]\nregion = us-west-2\n[profile dev]\n"
                                      "region = eu-central-1\nendpoint_url = http://minio:9000\n"
                                      "s3 =\n  addressing_style = path\n";
    env_["AWS_SHARED_CREDENTIALS_FILE"] = (dir_ / "credentials").string();
    env_["AWS_CONFIG_FILE"] = (dir_ / "config").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  EnvGetter Env() {
    return [this](const char* name) -> const char* {
      auto found = env_.find(name);
      return found == env_.end() ? nullptr : found->second.c_str();
    };
  }
  std::filesystem::path dir_;
  std::map<std::string, std::string> env_;
};

TEST_F(AwsConfigTest, DefaultProfileFromFiles) {
  auto config = ResolveS3Config({}, {}, Env());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->credentials.access_key_id, "AKDEFAULT");
  EXPECT_EQ(config->region, "us-west-2");
  EXPECT_EQ(config->endpoint, "https://s3.us-west-2.amazonaws.com");
  EXPECT_FALSE(config->path_style);
}

TEST_F(AwsConfigTest, ProfileFromEnvironmentWithEndpoint) {
  env_["AWS_PROFILE"] = "dev";
  auto config = ResolveS3Config({}, {}, Env());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->credentials.access_key_id, "AKDEV");
  EXPECT_EQ(config->credentials.session_token, "TOKDEV");
  EXPECT_EQ(config->region, "eu-central-1");
  EXPECT_EQ(config->endpoint, "http://minio:9000");
  EXPECT_TRUE(config->path_style);
}

TEST_F(AwsConfigTest, EnvironmentBeatsFilesAndEndpointVariablesApply) {
  env_["AWS_ACCESS_KEY_ID"] = "AKENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "SKENV";
  env_["AWS_REGION"] = "ap-south-1";
  env_["AWS_ENDPOINT_URL"] = "http://generic:1";
  env_["AWS_ENDPOINT_URL_S3"] = "http://s3specific:2/";
  auto config = ResolveS3Config({}, {}, Env());
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->credentials.access_key_id, "AKENV");
  EXPECT_EQ(config->region, "ap-south-1");
  EXPECT_EQ(config->endpoint, "http://s3specific:2");
  // URL options win over the environment.
  auto url = ResolveS3Config({}, {{"region", "sa-east-1"}, {"addressing", "virtual"}}, Env());
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->region, "sa-east-1");
  EXPECT_FALSE(url->path_style);
}

TEST_F(AwsConfigTest, MissingProfileOrSecretIsAClearError) {
  auto missing = ResolveS3Config({}, {{"profile", "nope"}}, Env());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'nope'"), std::string::npos);
  env_["AWS_ACCESS_KEY_ID"] = "AKONLY";
  auto no_secret = ResolveS3Config({}, {}, Env());
  ASSERT_FALSE(no_secret.ok());
  EXPECT_NE(no_secret.status().message().find("no secret"), std::string::npos);
}

TEST(XmlTest, ElementsAndEntities) {
  std::string xml =
      "<R><Contents><Key>a&amp;b &lt;c&gt;</Key><Size>3</Size></Contents>"
      "<Contents><Key>caf&#233;&#x2F;x</Key><Size>4</Size></Contents></R>";
  auto contents = XmlElements(xml, "Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(XmlFirst(contents[0], "Key"), "a&b <c>");
  EXPECT_EQ(XmlFirst(contents[1], "Key"), "caf\xc3\xa9/x");
  EXPECT_EQ(XmlFirst(xml, "Missing"), "");
  EXPECT_EQ(XmlEscape("<a&'\">"), "&lt;a&amp;&apos;&quot;&gt;");
}

TEST(RetryTest, RetriesOnlyTransientErrorsWithGrowingCappedDelays) {
  std::vector<int> delays;
  Retrier retrier({4, 100, 350, [&](int, int delay) { delays.push_back(delay); }});
  int calls = 0;
  Status status = retrier.Run([&](int) {
    ++calls;
    return Status::Unavailable("HTTP 503");
  });
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(calls, 5);
  ASSERT_EQ(delays.size(), 4u);
  for (size_t retry = 0; retry < delays.size(); ++retry) {
    EXPECT_LE(delays[retry], std::min(350, 100 << retry));  // full jitter under the cap
    EXPECT_GE(delays[retry], 0);
  }
  EXPECT_NE(status.message().find("gave up after 5 attempts"), std::string::npos);

  calls = 0;
  Status denied = retrier.Run([&](int) {
    ++calls;
    return Status::InvalidArgument("access denied");
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(denied.code(), StatusCode::kInvalidArgument);

  calls = 0;
  Status healed = retrier.Run([&](int attempt) {
    ++calls;
    return attempt < 2 ? Status::Corruption("BadDigest") : Status::OK();
  });
  EXPECT_TRUE(healed.ok());
  EXPECT_EQ(calls, 3);
}

TEST(JwtTest, Rs256SignatureVerifiesWithThePublicKey) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(length));
  BIO_free(bio);
  auto jwt = MakeServiceAccountJwt("sa@p.iam.gserviceaccount.com", pem,
                                   "https://oauth2.googleapis.com/token", "scope-x", 1700000000);
  ASSERT_TRUE(jwt.ok()) << jwt.status().ToString();
  size_t first = jwt->find('.');
  size_t second = jwt->rfind('.');
  ASSERT_NE(first, second);
  std::string signing_input = jwt->substr(0, second);
  std::string signature_b64 = jwt->substr(second + 1);
  for (char& c : signature_b64) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  auto signature = Base64Decode(signature_b64);
  ASSERT_TRUE(signature.ok());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key), 1);
  EXPECT_EQ(EVP_DigestVerify(
                ctx, reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
                reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()),
            1);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  std::string claims_b64 = jwt->substr(first + 1, second - first - 1);
  for (char& c : claims_b64) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  std::string claims = Base64Decode(claims_b64).ValueOrDie();
  EXPECT_NE(claims.find("\"exp\":1700003600"), std::string::npos) << claims;
  EXPECT_NE(claims.find("\"aud\":\"https://oauth2.googleapis.com/token\""), std::string::npos);
  EXPECT_FALSE(MakeServiceAccountJwt("a", "not a pem", "u", "s", 0).ok());
}

}  // namespace
}  // namespace sluice::storage
