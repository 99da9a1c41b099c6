#pragma once
// A real PostgreSQL 15 for tests: initdb into a fresh temporary folder (as the `postgres` user
// when running as root, since initdb refuses root), listening on a Unix socket in that folder
// and on a free port of 127.0.0.1, stopped and removed by the destructor. Local (socket)
// connections are trusted; TCP connections need the password, so wrong credentials can be
// tested. Binaries: $HAYLOFT_PG_BIN, else /usr/lib/postgresql/15/bin.
#include <filesystem>
#include <memory>
#include <string>

#include "emulator/core/result.h"

namespace hayloft::testing {

class pg_server {
 public:
  static constexpr const char* password = "hayloft-test";
  // Fails with the command's output when PostgreSQL is not installed or does not start.
  static result<std::unique_ptr<pg_server>> start();
  ~pg_server();

  // postgresql://postgres:PASSWORD@127.0.0.1:PORT/DB
  std::string url(const std::string& db = "postgres") const;
  // host=DIR port=PORT dbname=DB user=postgres (the Unix socket)
  std::string socket_conninfo(const std::string& db = "postgres") const;
  // A new, empty database (a name unique within this server); returns its url().
  result<std::string> create_database();
  // Runs SQL through psql on the socket; returns its output.
  result<std::string> psql(const std::string& db, const std::string& sql) const;

  // pg_ctl stop -m fast / start (same folder and port): a database restart.
  result<void> stop();
  result<void> restart();
  int port() const { return port_; }

 private:
  result<void> start_server();
  std::filesystem::path dir_;
  std::filesystem::path bin_;
  int port_ = 0;
  int next_db_ = 0;
  bool running_ = false;
};

}  // namespace hayloft::testing
