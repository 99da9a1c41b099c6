#pragma once
// Picks and opens the document store named by --docstore (or `docstore:` in the --config YAML):
//   sqlite                      chunks in state.db beside the other state (the default)
//   postgresql://... postgres://...   or a libpq "key=value" string: the shared store
// The PostgreSQL connection string goes to libpq untouched (PG* variables and ~/.pgpass apply).
//
// open_docstore() migrates the schema (an error names the server and says why: wrong
// credentials, a schema from a newer hayloft, no server) and, for a process that searches,
// loads the vectors and starts following changes.
#include <memory>
#include <string>

#include "consumer/docstore/document_store.h"
#include "emulator/core/clock.h"
#include "emulator/core/result.h"
#include "emulator/store/state_store.h"

namespace CLI {
class Option;
}

namespace hayloft::app {

bool is_postgresql_docstore(const std::string& spec);
// Ok for "sqlite" and PostgreSQL connection strings; else an error naming the accepted forms.
result<void> check_docstore_spec(const std::string& spec);

struct docstore_open_options {
  std::string spec = "sqlite";
  store::state_store* state = nullptr;  // required for sqlite
  bool searching = false;               // load vectors and follow changes (up, search)
  std::size_t pool_size = 4;
  // PostgreSQL that cannot be reached at start: open anyway and connect, migrate and load in the
  // background (every operation fails with `unavailable` until then), for `up`.
  bool start_while_unreachable = false;
};
result<std::unique_ptr<consumer::document_store>> open_docstore(const docstore_open_options& o, core::clock& clock);

// `hayloft docstore migrate|status --docstore URL` (PostgreSQL only). Returns the exit code.
int run_docstore_command(const std::string& action, const std::string& spec);

}  // namespace hayloft::app
