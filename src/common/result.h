// Result<T>: the one error style of Sightline.
//
// Expected failures (bad input, not found, conflict, permission) travel as
// values; exceptions are reserved for the edges (CLI parsing, start-up) and for
// programming errors. Every Error names what was wrong and, where it comes from
// user input, the field at fault so a client can point at it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sl {

enum class ErrorCode {
  kBadRequest,       // malformed or invalid input (HTTP 400)
  kUnauthorized,     // no or invalid credentials (401)
  kForbidden,        // authenticated but not allowed (403)
  kNotFound,         // no such object (404)
  kConflict,         // state does not allow it / duplicate (409)
  kTooLarge,         // body or upload over the limit (413)
  kTooManyRequests,  // throttled (429)
  kUnavailable,      // dependency down, try later (503)
  kInternal,         // a bug or an I/O failure (500)
};

// Stable machine-readable name used in JSON error bodies ("bad_request", ...).
std::string_view ErrorCodeName(ErrorCode code);
// HTTP status for the code.
int ErrorCodeHttpStatus(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;  // empty when no single input field is at fault

  static Error BadRequest(std::string message, std::string field = {}) {
    return {ErrorCode::kBadRequest, std::move(message), std::move(field)};
  }
  static Error Unauthorized(std::string message) { return {ErrorCode::kUnauthorized, std::move(message), {}}; }
  static Error Forbidden(std::string message) { return {ErrorCode::kForbidden, std::move(message), {}}; }
  static Error NotFound(std::string message) { return {ErrorCode::kNotFound, std::move(message), {}}; }
  static Error Conflict(std::string message, std::string field = {}) {
    return {ErrorCode::kConflict, std::move(message), std::move(field)};
  }
  static Error TooLarge(std::string message) { return {ErrorCode::kTooLarge, std::move(message), {}}; }
  static Error TooManyRequests(std::string message) { return {ErrorCode::kTooManyRequests, std::move(message), {}}; }
  static Error Unavailable(std::string message) { return {ErrorCode::kUnavailable, std::move(message), {}}; }
  static Error Internal(std::string message) { return {ErrorCode::kInternal, std::move(message), {}}; }
};

// Holds either a T or an Error. Accessing the wrong side is a programming
// error (checked by assert in debug builds).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace sl

// Propagates an error from an expression yielding Result<...>.
#define SL_TRY(expr)                                  \
  do {                                                \
    auto&& sl_try_result_ = (expr);                   \
    if (!sl_try_result_.ok()) return std::move(sl_try_result_).error(); \
  } while (0)

#define SL_CONCAT_INNER_(a, b) a##b
#define SL_CONCAT_(a, b) SL_CONCAT_INNER_(a, b)
// Declares `lhs` from the value of a Result, or returns its error.
#define SL_ASSIGN_OR_RETURN(lhs, expr) SL_ASSIGN_OR_RETURN_IMPL_(SL_CONCAT_(sl_res_, __LINE__), lhs, expr)
#define SL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).error();   \
  lhs = std::move(tmp).value()
