// A minimal HTTP/1.1 client for server-to-server calls (the ledger posting
// checkpoints to partner witnesses). Plain http only, one request per
// connection, and the whole exchange (resolve, connect, write, read) bounded
// by `timeout`. Keeps Beast inside src/net like the server does.
#pragma once

#include <chrono>
#include <string>

#include "common/result.h"
#include "net/http.h"

namespace sl::net {

struct ClientResponse {
  int status = 0;
  std::string body;
  Headers headers;
};

// POSTs `body` to `url` ("http://host:port/path"). kBadRequest for a URL it
// cannot use, kUnavailable when the peer cannot be reached or times out.
// Response bodies are limited to 16 MiB.
Result<ClientResponse> HttpPost(const std::string& url, const std::string& body, const std::string& content_type,
                                std::chrono::milliseconds timeout);
// GETs `url`; same rules.
Result<ClientResponse> HttpGet(const std::string& url, std::chrono::milliseconds timeout);

}  // namespace sl::net
