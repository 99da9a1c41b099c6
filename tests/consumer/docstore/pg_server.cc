#include "tests/consumer/docstore/pg_server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace hayloft::testing {
namespace {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// Runs `cmd` with sh, as postgres when we are root; returns its combined output.
result<std::string> run(const std::string& cmd) {
  std::string full = (::geteuid() == 0 ? "runuser -u postgres -- sh -c " + quote(cmd) : "sh -c " + quote(cmd)) + " 2>&1";
  FILE* p = ::popen(full.c_str(), "r");
  if (!p) return hayloft::error{std::make_error_code(std::errc::io_error), "popen failed: " + full};
  std::string out;
  std::array<char, 4096> buf;
  while (auto n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int status = ::pclose(p);
  if (status != 0) return hayloft::error{std::make_error_code(std::errc::io_error), full + " failed:\n" + out};
  return out;
}

}  // namespace

result<std::unique_ptr<pg_server>> pg_server::start() {
  auto s = std::unique_ptr<pg_server>(new pg_server());
  const char* bin = std::getenv("HAYLOFT_PG_BIN");
  s->bin_ = bin && *bin ? bin : "/usr/lib/postgresql/15/bin";
  if (!std::filesystem::exists(s->bin_ / "initdb"))
    return hayloft::error{std::make_error_code(std::errc::no_such_file_or_directory),
                          "no PostgreSQL 15 at " + s->bin_.string() + " (scripts/setup installs postgresql-15)"};
  std::string tmpl = (std::filesystem::temp_directory_path() / "hayloft-pg-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) return hayloft::error{std::make_error_code(std::errc::io_error), "mkdtemp failed"};
  s->dir_ = tmpl;
  if (::geteuid() == 0) {
    if (auto r = ::system(("chown postgres:postgres " + quote(s->dir_.string())).c_str()); r != 0)
      return hayloft::error{std::make_error_code(std::errc::io_error), "chown postgres failed"};
  }
  {
    std::ofstream pw(s->dir_ / "pwfile");
    pw << password << "\n";
  }
  if (::geteuid() == 0) (void)::system(("chown postgres:postgres " + quote((s->dir_ / "pwfile").string())).c_str());
  auto init = run(quote((s->bin_ / "initdb").string()) + " -D " + quote((s->dir_ / "data").string()) +
                  " -U postgres --pwfile=" + quote((s->dir_ / "pwfile").string()) +
                  " --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync");
  if (!init.ok()) return init.err();
  s->port_ = free_port();
  HAYLOFT_TRY(s->start_server());
  return s;
}

result<void> pg_server::start_server() {
  std::string opts = "-k " + dir_.string() + " -p " + std::to_string(port_) +
                     " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200";
  auto r = run(quote((bin_ / "pg_ctl").string()) + " -D " + quote((dir_ / "data").string()) + " -l " +
               quote((dir_ / "log").string()) + " -w -t 30 -o " + quote(opts) + " start");
  if (!r.ok()) return r.err();
  running_ = true;
  return {};
}

result<void> pg_server::stop() {
  auto r = run(quote((bin_ / "pg_ctl").string()) + " -D " + quote((dir_ / "data").string()) + " -w -m fast stop");
  if (!r.ok()) return r.err();
  running_ = false;
  return {};
}

result<void> pg_server::restart() { return start_server(); }

pg_server::~pg_server() {
  if (running_)
    (void)run(quote((bin_ / "pg_ctl").string()) + " -D " + quote((dir_ / "data").string()) + " -w -m immediate stop");
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string pg_server::url(const std::string& db) const {
  return std::string("postgresql://postgres:") + password + "@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

std::string pg_server::socket_conninfo(const std::string& db) const {
  return "host=" + dir_.string() + " port=" + std::to_string(port_) + " dbname=" + db + " user=postgres";
}

result<std::string> pg_server::psql(const std::string& db, const std::string& sql) const {
  return run(quote((bin_ / "psql").string()) + " -X -q -At -v ON_ERROR_STOP=1 -h " + quote(dir_.string()) + " -p " +
             std::to_string(port_) + " -U postgres -d " + quote(db) + " -c " + quote(sql));
}

result<std::string> pg_server::create_database() {
  std::string name = "t" + std::to_string(++next_db_);
  auto r = psql("postgres", "CREATE DATABASE " + name);
  if (!r.ok()) return r.err();
  return url(name);
}

}  // namespace hayloft::testing
