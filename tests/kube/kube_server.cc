// kube_test_server: the Kubernetes front door over a controller with the test workloads and a
// queue whose length is read from a file, on 127.0.0.1 with port 0; prints the port. For
// exploring what kubectl sends (kubectl -v=8) without the rest of hayloft; the e2e tests use
// the real hayloft binary.
//   kube_test_server DATA_DIR [TIME_SCALE]      queue length: DATA_DIR/queue-length
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <fstream>
#include <iostream>
#include <thread>

#include "emulator/core/clock.h"
#include "emulator/http/server.h"
#include "orchestrator/controller/controller.h"
#include "orchestrator/errc.h"
#include "orchestrator/kube/kube_api.h"

using namespace hayloft;

namespace {

class file_queue final : public orchestrator::queue_metrics {
 public:
  explicit file_queue(std::filesystem::path p) : path_(std::move(p)) {}
  result<orchestrator::queue_counts> counts(std::string_view) override {
    std::ifstream in(path_);
    std::int64_t n = 0;
    if (!(in >> n)) n = 0;
    return orchestrator::queue_counts{n, 0, 0};
  }

 private:
  std::filesystem::path path_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: kube_test_server DATA_DIR [TIME_SCALE]\n";
    return 2;
  }
  std::filesystem::path dir = argv[1];
  double scale = argc > 2 ? std::stod(argv[2]) : 1.0;
  auto clock = scale == 1.0 ? core::make_system_clock() : core::make_scaled_clock(scale);
  auto store = store::state_store::open({dir / "data", false});
  if (!store) {
    std::cerr << store.err().message << "\n";
    return 1;
  }
  file_queue queue(dir / "queue-length");
  orchestrator::pods::workload_registry workloads;
  orchestrator::pods::add_test_workloads(workloads);
  orchestrator::options o;
  o.image_map = {{"arzelaascoli/keda-haystack-consumer:latest", "hayloft/echo"}};
  o.log_dir = dir / "logs";
  orchestrator::controller ctl(**store, *clock, queue, workloads, o);
  auto api = std::make_unique<orchestrator::kube::kube_api>(ctl, *clock);
  ctl.set_loop_listener(api->loop_listener());
  if (auto r = ctl.start(); !r) {
    std::cerr << r.err().message << "\n";
    return 1;
  }
  boost::asio::io_context ioc;
  http::server_options so;
  so.port = 0;
  so.spill_dir = dir;
  http::server server(ioc, so, [&](const core::request&) -> core::request_handler* { return api.get(); });
  std::cout << server.listen() << std::endl;
  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    server.shutdown();
    ioc.stop();
  });
  std::thread t([&] { ioc.run(); });
  ioc.run();
  t.join();
  api.reset();
  ctl.stop();
  return 0;
}
