#include "emulator/app/docstore_binding.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "consumer/docstore/pg_schema.h"
#include "consumer/docstore/pg_store.h"
#include "consumer/docstore/sqlite_store.h"

namespace hayloft::app {

bool is_postgresql_docstore(const std::string& spec) {
  return spec.starts_with("postgresql://") || spec.starts_with("postgres://") || spec.find('=') != std::string::npos;
}

result<void> check_docstore_spec(const std::string& spec) {
  if (spec.empty() || spec == "sqlite" || is_postgresql_docstore(spec)) return {};
  return hayloft::error{std::make_error_code(std::errc::invalid_argument),
                        "--docstore: expected sqlite or a PostgreSQL connection string (postgresql://user@host:port/db), got '" +
                            spec + "'"};
}

result<std::unique_ptr<consumer::document_store>> open_docstore(const docstore_open_options& o, core::clock& clock) {
  HAYLOFT_TRY(check_docstore_spec(o.spec));
  if (!is_postgresql_docstore(o.spec)) {
    if (!o.state) return hayloft::error{std::make_error_code(std::errc::invalid_argument), "--docstore sqlite needs a state directory"};
    auto s = std::make_unique<consumer::sqlite_document_store>(*o.state, clock);
    HAYLOFT_TRY(s->migrate());
    return std::unique_ptr<consumer::document_store>(std::move(s));
  }
  auto s = std::make_unique<consumer::pg_document_store>(
      consumer::pg_store_options{.conninfo = o.spec, .pool_size = o.pool_size}, clock);
  if (auto migrated = s->migrate(); !migrated.ok()) {
    // No server answering (down, restarting, not started yet): `up` serves everything else and
    // connects when it can. Anything the server said (credentials, a newer schema) stays fatal.
    if (!o.searching || !o.start_while_unreachable || !consumer::pg::is_unavailable(migrated.err())) return migrated.err();
    spdlog::warn("document store: {}; serving S3, SQS and the orchestrator, search answers 503 until it answers", migrated.err().message);
    s->start_when_reachable(migrated.err().message);
    return std::unique_ptr<consumer::document_store>(std::move(s));
  }
  if (o.searching) HAYLOFT_TRY(s->start_reader());
  return std::unique_ptr<consumer::document_store>(std::move(s));
}

int run_docstore_command(const std::string& action, const std::string& spec) {
  if (!is_postgresql_docstore(spec)) {
    std::fprintf(stderr, "error: hayloft docstore %s needs --docstore postgresql://... (sqlite migrates itself at start)\n",
                 action.c_str());
    return 2;
  }
  auto c = consumer::pg::pg_conn::connect(spec);
  if (!c.ok()) {
    std::fprintf(stderr, "error: %s\n", c.err().message.c_str());
    return 1;
  }
  if (action == "migrate") {
    if (auto r = consumer::pg::migrate(**c); !r.ok()) {
      std::fprintf(stderr, "error: %s\n", r.err().message.c_str());
      return 1;
    }
  }
  auto s = consumer::pg::status(**c);
  if (!s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.err().message.c_str());
    return 1;
  }
  std::printf("database:        %s\n", (*c)->describe().c_str());
  std::printf("schema version:  %d (this hayloft: %d)%s\n", s->current, s->latest,
              s->current < s->latest ? "  pending: run `hayloft docstore migrate`"
              : s->current > s->latest ? "  NEWER than this hayloft: upgrade hayloft"
                                       : "  up to date");
  std::printf("files:           %lld\n", static_cast<long long>(s->sources));
  std::printf("chunks:          %lld\n", static_cast<long long>(s->chunks));
  std::printf("change sequence: %lld\n", static_cast<long long>(s->sequence));
  return s->current > s->latest ? 1 : 0;
}

}  // namespace hayloft::app
