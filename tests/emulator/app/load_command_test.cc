// `hayloft load` flags: --replicas parsing, --kserve options and their checks (no load is sent:
// every case here fails or is parsed before a connection is made).
#include "emulator/app/load_command.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <sstream>

namespace hayloft::app {
namespace {

// Parses `args` (after "hayloft") into opts; the CLI11 error message, or "" when it parsed.
std::string parse(std::vector<std::string> args, load_command_options& opts) {
  CLI::App app("hayloft");
  add_load_command(app, opts);
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return "";
}

TEST(LoadCommand, ParsesReplicaCounts) {
  load_command_options o;
  EXPECT_EQ(parse({"load", "-H", "http://127.0.0.1:1", "--kserve", "m", "--replicas", "1,2,4", "--deployment", "d", "-n",
                   "ns", "--kserve-batch", "8"},
                  o),
            "");
  EXPECT_EQ(o.replicas, (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(o.deployment, "d");
  EXPECT_EQ(o.namespace_name, "ns");
  EXPECT_EQ(o.kserve_model, "m");
  EXPECT_EQ(o.kserve_batch, 8u);
}

TEST(LoadCommand, RejectsBadFlags) {
  load_command_options a;
  EXPECT_NE(parse({"load", "-H", "http://x", "--kserve", "m", "--replicas", "1,two"}, a), "");
  load_command_options b;
  EXPECT_NE(parse({"load", "-H", "http://x", "--kserve", "m", "--replicas", "-1"}, b), "");
  load_command_options c;
  EXPECT_NE(parse({"load", "-H", "http://x", "-f", "r.jsonl", "--kserve-text", "t.txt"}, c), "")
      << "--kserve-text needs --kserve";
  load_command_options d;
  EXPECT_NE(parse({"load", "-H", "http://x", "--kserve", "m", "--kserve-batch", "0"}, d), "");
}

TEST(LoadCommand, ChecksBeforeSendingAnything) {
  std::ostringstream out, err;
  load_command_options o;
  ASSERT_EQ(parse({"load", "-H", "http://127.0.0.1:1", "--kserve", "m", "--replicas", "1,2"}, o), "");
  EXPECT_EQ(run_load(o, "", out, err, false), 1);
  EXPECT_EQ(err.str(), "hayloft load: --replicas needs --deployment\n");
  err.str("");
  load_command_options t;
  ASSERT_EQ(parse({"load", "-H", "http://127.0.0.1:1", "--kserve", "m", "--kserve-text", "/nonexistent/s.txt"}, t), "");
  EXPECT_EQ(run_load(t, "", out, err, false), 1);
  EXPECT_EQ(err.str(), "hayloft load: cannot read /nonexistent/s.txt\n");
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace hayloft::app
