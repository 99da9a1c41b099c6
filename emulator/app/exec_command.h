#pragma once
// `hayloft exec [up flags] -- CMD ARGS...`: the one-liner for any test suite's CI.
//
// Starts a private stack (`hayloft up` as a child process, in its own process group, on a free
// 127.0.0.1 port, in memory unless --data-dir is given; every other `up` flag is passed through),
// waits until it answers /_hayloft/health (and, with --bootstrap, until its init scripts have run),
// then runs CMD with the stack in its environment:
//   AWS_ENDPOINT_URL, AWS_ENDPOINT, HAYLOFT_ENDPOINT   http://127.0.0.1:PORT
//   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY          test / test (yours are kept with --auth)
//   AWS_DEFAULT_REGION, AWS_REGION                     kept when set, else us-east-1
//   KUBECONFIG                                         a private kubeconfig (context "hayloft")
//   PATH                                               with an `awslocal` first
// When CMD ends, the stack is stopped (SIGTERM, SIGKILL after 10 s) and everything exec created is
// removed. The exit status is CMD's; a CMD killed by a signal ends exec by the same signal.
// SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to exec are forwarded to CMD (a terminal's Ctrl-C
// already reaches CMD, which shares exec's process group, and is not sent twice).
// Exit 125: the stack could not start (its log's last lines are printed); 126: CMD cannot be
// run; 127: CMD not found.
#include <string>
#include <vector>

namespace hayloft::app {

struct exec_plan {
  std::vector<std::string> up_args;  // passed to `hayloft up`, after exec's own additions
  std::vector<std::string> command;  // CMD ARGS...
  bool auth = false;                 // --auth among the up flags: keep the caller's credentials
};

// Splits `hayloft exec` arguments (argv[2..]) at the first "--". Returns an error message for a
// missing "--" or an empty command.
std::string plan_exec(const std::vector<std::string>& args, exec_plan& out);

// Runs `hayloft exec`; `self` is the path of the hayloft binary. Returns the exit status (a CMD
// killed by a signal re-raises it first).
int run_exec(const std::string& self, const std::vector<std::string>& args);

}  // namespace hayloft::app
