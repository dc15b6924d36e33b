#include "common/http_url.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet {
namespace {

using ::testing::HasSubstr;

TEST(ParseHttpUrlTest, GoodUrls) {
  struct Case {
    const char* url;
    bool https;
    const char* host;
    int port;
    const char* path;
    const char* scheme_host_port;
  } cases[] = {
      {"http://127.0.0.1:9093", false, "127.0.0.1", 9093, "", "http://127.0.0.1:9093"},
      {"http://am.example.org", false, "am.example.org", 80, "", "http://am.example.org:80"},
      {"https://am.example.org", true, "am.example.org", 443, "", "https://am.example.org:443"},
      {"HTTPS://am:8443/alertmanager/", true, "am", 8443, "/alertmanager", "https://am:8443"},
      {"http://[::1]:9093/am", false, "::1", 9093, "/am", "http://[::1]:9093"},
      {"http://[::1]", false, "::1", 80, "", "http://[::1]:80"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    absl::StatusOr<HttpUrl> url = ParseHttpUrl(c.url);
    ASSERT_TRUE(url.ok()) << url.status();
    EXPECT_EQ(url->https, c.https);
    EXPECT_EQ(url->host, c.host);
    EXPECT_EQ(url->port, c.port);
    EXPECT_EQ(url->path, c.path);
    EXPECT_EQ(url->SchemeHostPort(), c.scheme_host_port);
  }
}

TEST(ParseHttpUrlTest, BadUrls) {
  struct Case {
    const char* url;
    const char* why;
  } cases[] = {
      {"127.0.0.1:9093", "no scheme"},
      {"", "no scheme"},
      {"ftp://am:21", "scheme \"ftp\" is not http or https"},
      {"http://", "no host"},
      {"http://:9093", "no host"},
      {"http:///api", "no host"},
      {"http://am:0", "port \"0\" is not 1-65535"},
      {"http://am:65536", "is not 1-65535"},
      {"http://am:x1", "is not 1-65535"},
      {"http://am:", "empty port"},
      {"http://[::1", "unclosed"},
      {"http://u:p@am:9093", "user info"},
      {"http://am:9093/?x=1", "query or fragment"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    absl::StatusOr<HttpUrl> url = ParseHttpUrl(c.url);
    ASSERT_FALSE(url.ok());
    EXPECT_EQ(url.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(url.status().message()), HasSubstr(c.why));
    EXPECT_THAT(std::string(url.status().message()),
                HasSubstr(absl::StrCat("URL \"", c.url, "\"")));
  }
}

}  // namespace
}  // namespace zfleet
