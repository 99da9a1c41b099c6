#pragma once
// The PostgreSQL document store's schema, as versioned migrations. migrate() applies the missing
// ones under a session advisory lock, so concurrent starters (N consumer pods and `up`) do not
// race; each migration runs in its own transaction with its row in hayloft_schema_migrations.
//
//   v1  hayloft_chunks (one row per chunk), hayloft_sources (one row per (index, bucket, key):
//       its ETag, or NULL once removed, and the change sequence of its last change),
//       hayloft_docstore_counter (the change sequence, bumped under a row lock so that sequence
//       order is commit order).
//   v2  hayloft_sources.version: the object's LastModified, so an older version never replaces a
//       newer one when consumers race on one key.
//
// Threading: blocking; call at start-up or from `hayloft docstore migrate|status`.
#include <cstdint>
#include <string>

#include "consumer/docstore/pg_connection.h"

namespace hayloft::consumer::pg {

// The newest schema version this binary knows.
int latest_schema_version();

struct schema_status {
  int current = 0;  // 0: empty database
  int latest = 0;
  std::int64_t sources = 0, chunks = 0, sequence = 0;
};

// Applies migrations up to `target` (default: the latest). Fails with schema_too_new when the
// database is already past what this binary knows.
result<void> migrate(pg_conn& c, int target = 0);
result<schema_status> status(pg_conn& c);

}  // namespace hayloft::consumer::pg
