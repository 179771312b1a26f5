#include "net/http_client.h"

#include "net/beast_pch.h"

namespace sl::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Url {
  std::string host, port, target;
};

std::optional<Url> ParseUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  url.remove_prefix(kScheme.size());
  const size_t slash = url.find('/');
  const std::string_view authority = url.substr(0, slash);
  Url out;
  out.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  const size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos) {
    out.host = std::string(authority);
    out.port = "80";
  } else {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
  }
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') out.host = out.host.substr(1, out.host.size() - 2);
  if (out.host.empty() || out.port.empty()) return std::nullopt;
  return out;
}

Result<ClientResponse> Exchange(http::verb verb, const std::string& url, const std::string& body,
                                const std::string& content_type, std::chrono::milliseconds timeout) {
  const auto parsed = ParseUrl(url);
  if (!parsed) return Error::BadRequest("not an http:// URL: " + url, "url");
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  http::request<http::string_body> request{verb, parsed->target, 11};
  request.set(http::field::host, parsed->host + ":" + parsed->port);
  if (verb == http::verb::post) request.set(http::field::content_type, content_type);
  request.set(http::field::connection, "close");
  request.body() = body;
  request.prepare_payload();
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 << 20);
  beast::error_code failure;
  bool done = false;

  // Async steps so that one deadline (run_for) bounds the whole exchange.
  resolver.async_resolve(parsed->host, parsed->port, [&](beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return void(failure = ec);
    stream.async_connect(results, [&](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return void(failure = ec);
      http::async_write(stream, request, [&](beast::error_code ec, std::size_t) {
        if (ec) return void(failure = ec);
        http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
          if (ec) return void(failure = ec);
          done = true;
        });
      });
    });
  });
  ioc.run_for(timeout);
  if (!done) {
    const std::string why = failure ? failure.message() : "timed out after " + std::to_string(timeout.count()) + " ms";
    return Error::Unavailable(std::string(http::to_string(verb)) + " " + url + ": " + why);
  }
  ClientResponse out;
  const auto& response = parser.get();
  out.status = static_cast<int>(response.result_int());
  out.body = response.body();
  for (const auto& field : response) out.headers[std::string(field.name_string())] = std::string(field.value());
  return out;
}

}  // namespace

Result<ClientResponse> HttpPost(const std::string& url, const std::string& body, const std::string& content_type,
                                std::chrono::milliseconds timeout) {
  return Exchange(http::verb::post, url, body, content_type, timeout);
}

Result<ClientResponse> HttpGet(const std::string& url, std::chrono::milliseconds timeout) {
  return Exchange(http::verb::get, url, "", "", timeout);
}

}  // namespace sl::net
