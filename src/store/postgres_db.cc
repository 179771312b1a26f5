// PostgreSQL driver over libpq: '?' rewritten to $N, statements prepared once
// per connection, parameters sent as text (blobs as binary), results read as
// text and mapped back to Value by column type.
#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstring>

#include "store/driver.h"

namespace sl::store::internal {
namespace {

// Type OIDs from pg_type.h (stable across PostgreSQL versions).
constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;
constexpr std::size_t kMaxCachedStatements = 512;
// Statements sent per pipeline round in ExecuteBatch. Each result is a few
// dozen bytes, so a round's results always fit the socket buffers and the
// server never blocks writing while we block sending (libpq's documented
// pipeline deadlock).
constexpr std::size_t kPipelineChunk = 256;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

// Parameters in libpq's parallel-array form. Numbers are formatted into
// `text`, which is sized once so the pointers into it stay valid.
struct PgParams {
  std::vector<std::string> text;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
};

Status FillParams(const Params& params, PgParams& out) {
  const std::size_t n = params.size();
  out.text.assign(n, std::string());
  out.values.assign(n, nullptr);
  out.lengths.assign(n, 0);
  out.formats.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const Value& v = params[i];
    if (std::holds_alternative<std::monostate>(v)) continue;  // NULL
    if (auto* x = std::get_if<int64_t>(&v)) {
      out.text[i] = std::to_string(*x);
      out.values[i] = out.text[i].c_str();
    } else if (auto* d = std::get_if<double>(&v)) {
      if (std::isnan(*d)) {
        out.text[i] = "NaN";
      } else if (std::isinf(*d)) {
        out.text[i] = *d > 0 ? "Infinity" : "-Infinity";
      } else {
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
        out.text[i].assign(buf, end);
      }
      out.values[i] = out.text[i].c_str();
    } else if (auto* s = std::get_if<std::string>(&v)) {
      // Text parameters travel NUL-terminated; PostgreSQL text cannot hold NUL anyway.
      if (s->find('\0') != std::string::npos) {
        return Error::BadRequest("text parameter " + std::to_string(i + 1) +
                                 " contains a NUL byte, which PostgreSQL text cannot store (use a Blob)");
      }
      out.values[i] = s->c_str();
    } else {
      // Binary format: the raw bytes are the bytea value, no escaping needed.
      const std::string& bytes = std::get<Blob>(v).bytes;
      out.values[i] = bytes.data();
      out.lengths[i] = static_cast<int>(bytes.size());
      out.formats[i] = 1;
    }
  }
  return {};
}

template <class T>
bool ParseNumber(const char* p, int len, T& out) {
  auto [end, ec] = std::from_chars(p, p + len, out);
  return ec == std::errc() && end == p + len;
}

Value ReadValue(const PGresult* res, int r, int c, Oid type) {
  if (PQgetisnull(res, r, c)) return std::monostate{};
  const char* p = PQgetvalue(res, r, c);
  const int len = PQgetlength(res, r, c);
  switch (type) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid: {
      int64_t v = 0;
      if (ParseNumber(p, len, v)) return v;
      break;
    }
    case kBoolOid:
      return static_cast<int64_t>(len > 0 && p[0] == 't' ? 1 : 0);
    case kFloat4Oid:
    case kFloat8Oid: {
      double v = 0;
      if (ParseNumber(p, len, v)) return v;
      break;
    }
    case kNumericOid: {
      // Whole numbers stay integers so SUM()/COUNT-like numeric results
      // compare equal to SQLite's; the rest become doubles.
      int64_t i = 0;
      if (ParseNumber(p, len, i)) return i;
      double d = 0;
      if (ParseNumber(p, len, d)) return d;
      break;
    }
    case kByteaOid: {
      std::size_t n = 0;
      unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(p), &n);
      if (!bytes) break;
      Blob blob{std::string(reinterpret_cast<const char*>(bytes), n)};
      PQfreemem(bytes);
      return blob;
    }
    default:
      break;
  }
  return std::string(p, len);
}

std::vector<Row> ToRows(const PGresult* res) {
  const int nf = PQnfields(res);
  const int nr = PQntuples(res);
  auto names = std::make_shared<std::vector<std::string>>();
  std::vector<Oid> types;
  names->reserve(nf);
  types.reserve(nf);
  for (int c = 0; c < nf; ++c) {
    names->emplace_back(PQfname(res, c));
    types.push_back(PQftype(res, c));
  }
  std::vector<Row> rows;
  rows.reserve(nr);
  for (int r = 0; r < nr; ++r) {
    std::vector<Value> values;
    values.reserve(nf);
    for (int c = 0; c < nf; ++c) values.push_back(ReadValue(res, r, c, types[c]));
    rows.emplace_back(names, std::move(values));
  }
  return rows;
}

class PgConnection final : public Connection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() override { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  bool InTransaction() const override {
    auto s = PQtransactionStatus(conn_);
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
  }
  bool Broken() const override { return poisoned_ || PQstatus(conn_) != CONNECTION_OK; }

  Status ExecScript(std::string_view sql) override {
    PgResult res(PQexec(conn_, std::string(sql).c_str()));
    return CheckOk(res.get(), sql);
  }

  Status Commit() override {
    PgResult res(PQexec(conn_, "COMMIT"));
    SL_TRY(CheckOk(res.get(), "COMMIT"));
    // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK and no
    // error; the caller must not believe its writes were kept.
    if (std::strcmp(PQcmdStatus(res.get()), "ROLLBACK") == 0) {
      return Error::Internal("postgres: transaction had failed; COMMIT rolled it back");
    }
    return {};
  }

  Result<std::vector<Row>> Query(std::string_view sql, const Params& params) override {
    SL_ASSIGN_OR_RETURN(PgResult res, Run(sql, params));
    return ToRows(res.get());
  }

  Result<int64_t> Execute(std::string_view sql, const Params& params) override {
    SL_ASSIGN_OR_RETURN(PgResult res, Run(sql, params));
    int64_t n = 0;
    const char* tuples = PQcmdTuples(res.get());
    std::from_chars(tuples, tuples + std::strlen(tuples), n);
    return n;
  }

  Status ExecuteBatch(std::string_view sql, const std::vector<Params>& rows) override {
    if (rows.empty()) return {};
    SL_ASSIGN_OR_RETURN(Prepared p, Prepare(sql));
    for (const Params& row : rows) SL_TRY(CheckCount(p, row, sql));
    if (PQenterPipelineMode(conn_) != 1) {
      for (const Params& row : rows) SL_TRY(Run(sql, row));
      return {};
    }
    Status status;
    PgParams buf;
    for (std::size_t begin = 0; begin < rows.size() && status.ok(); begin += kPipelineChunk) {
      const std::size_t end = std::min(rows.size(), begin + kPipelineChunk);
      std::size_t sent = 0;
      for (std::size_t i = begin; i < end; ++i) {
        Status filled = FillParams(rows[i], buf);
        if (!filled.ok()) {
          status = std::move(filled);
          break;
        }
        if (!PQsendQueryPrepared(conn_, p.name.c_str(), static_cast<int>(rows[i].size()), buf.values.data(),
                                 buf.lengths.data(), buf.formats.data(), 0)) {
          status = MakeError(nullptr, sql);
          break;
        }
        ++sent;
      }
      if (PQpipelineSync(conn_) != 1) {
        if (status.ok()) status = MakeError(nullptr, sql);
        break;
      }
      // Each statement yields its result(s) then NULL; the round ends with
      // the sync marker. After an error the rest of the round is aborted.
      for (std::size_t k = 0; k < sent; ++k) {
        while (PGresult* raw = PQgetResult(conn_)) {
          PgResult res(raw);
          auto st = PQresultStatus(raw);
          if (status.ok() && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) status = MakeError(raw, sql);
        }
      }
      PgResult sync(PQgetResult(conn_));
      if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) {
        if (status.ok()) status = MakeError(sync.get(), sql);
        break;
      }
    }
    if (PQexitPipelineMode(conn_) != 1) {
      // Results are still pending (the link failed mid-round): this
      // connection cannot be trusted again, so the pool must drop it.
      if (status.ok()) status = MakeError(nullptr, sql);
      poisoned_ = true;
    }
    return status;
  }

 private:
  struct Prepared {
    std::string name;  // server-side statement name
    int nparams = 0;
  };

  // Builds the Error for a failed call; `res` may be null (libpq-level failure).
  Error MakeError(const PGresult* res, std::string_view sql) const {
    if (Broken()) return Error::Unavailable("postgres: connection lost: " + Trim(PQerrorMessage(conn_)));
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const char* detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : nullptr;
    std::string msg = "postgres: ";
    if (primary) {
      msg += primary;
      if (detail) msg += std::string(" (") + detail + ")";
    } else {
      msg += Trim(res ? PQresultErrorMessage(res) : PQerrorMessage(conn_));
    }
    std::string_view code = state ? state : "";
    if (code == "23505") return Error::Conflict(msg);
    // Class 08 is a connection failure (08P01, a protocol violation, is our bug);
    // 57P0x is the server shutting down.
    if ((code.starts_with("08") && code != "08P01") || code == "57P01" || code == "57P02" || code == "57P03") {
      return Error::Unavailable(msg);
    }
    return Error::Internal(msg + " (in: " + SqlForMessage(sql) + ")");
  }

  static Status CheckCount(const Prepared& p, const Params& params, std::string_view sql) {
    if (static_cast<int>(params.size()) == p.nparams) return {};
    return Error::Internal("postgres: statement takes " + std::to_string(p.nparams) + " parameters, got " +
                           std::to_string(params.size()) + " (in: " + SqlForMessage(sql) + ")");
  }

  Status CheckOk(const PGresult* res, std::string_view sql) const {
    auto st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return {};
    return MakeError(res, sql);
  }

  // Returns the prepared statement for `sql`, preparing it on first use.
  Result<Prepared> Prepare(std::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
    std::string key(sql);
    // Dropping them all needs a usable session; inside an aborted
    // transaction the cache simply grows until the next call.
    if (cache_.size() >= kMaxCachedStatements && PQtransactionStatus(conn_) != PQTRANS_INERROR) {
      PgResult res(PQexec(conn_, "DEALLOCATE ALL"));
      if (PQresultStatus(res.get()) == PGRES_COMMAND_OK) cache_.clear();
    }
    std::string name = "sl_" + std::to_string(++statement_counter_);
    int nparams = 0;
    std::string text = RewritePlaceholders(sql, &nparams);
    PgResult res(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr));
    SL_TRY(CheckOk(res.get(), sql));
    Prepared prepared{std::move(name), nparams};
    cache_.emplace(std::move(key), prepared);
    return prepared;
  }

  Result<PgResult> Run(std::string_view sql, const Params& params) {
    PgParams buf;
    SL_TRY(FillParams(params, buf));
    for (int attempt = 0;; ++attempt) {
      SL_ASSIGN_OR_RETURN(Prepared p, Prepare(sql));
      SL_TRY(CheckCount(p, params, sql));
      PgResult res(PQexecPrepared(conn_, p.name.c_str(), static_cast<int>(params.size()), buf.values.data(),
                                  buf.lengths.data(), buf.formats.data(), 0));
      auto st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
      if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return res;
      // After DDL changed a table, a cached SELECT * plan refuses to run
      // ("cached plan must not change result type"). Forget it so it is
      // prepared afresh (the old name is never reused, so no DEALLOCATE).
      // Outside a transaction the failed call changed nothing: retry once.
      const char* state = res ? PQresultErrorField(res.get(), PG_DIAG_SQLSTATE) : nullptr;
      if (!state || std::string_view(state) != "0A000") return MakeError(res.get(), sql);
      if (auto it = cache_.find(sql); it != cache_.end()) cache_.erase(it);
      if (attempt > 0 || PQtransactionStatus(conn_) != PQTRANS_IDLE) return MakeError(res.get(), sql);
    }
  }

  PGconn* conn_;
  SqlCache<Prepared> cache_;  // keyed by SQL text
  uint64_t statement_counter_ = 0;
  bool poisoned_ = false;
};

}  // namespace

Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& url) {
  // fallback_application_name names us in pg_stat_activity unless the url
  // already does; expand_dbname lets `url` be a URI or a keyword string.
  const char* keys[] = {"fallback_application_name", "dbname", nullptr};
  const char* values[] = {"sightline", url.c_str(), nullptr};
  PGconn* raw = PQconnectdbParams(keys, values, 1);
  if (!raw) return Error::Unavailable("postgres: out of memory opening a connection");
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string msg = Trim(PQerrorMessage(raw));
    PQfinish(raw);
    return Error::Unavailable("postgres: cannot connect to " + DescribePostgresUrl(url) + ": " + msg);
  }
  auto conn = std::make_unique<PgConnection>(raw);
  SL_TRY(conn->ExecScript("SET client_min_messages = warning; SET TimeZone = 'UTC'"));
  return std::unique_ptr<Connection>(std::move(conn));
}

std::string DescribePostgresUrl(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  if (!opts) {
    if (err) PQfreemem(err);
    return "postgresql://(unparsable url)";
  }
  std::string user, host, port, dbname;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val) continue;
    std::string_view k = o->keyword;
    if (k == "user") user = o->val;
    if (k == "host" || (k == "hostaddr" && host.empty())) host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") dbname = o->val;
  }
  PQconninfoFree(opts);
  std::string out = "postgresql://";
  if (!user.empty()) out += user + "@";
  out += host.empty() ? "localhost" : host;
  if (!port.empty()) out += ":" + port;
  out += "/" + dbname;
  return out;
}

}  // namespace sl::store::internal
