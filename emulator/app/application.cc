#include "emulator/app/application.h"

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <algorithm>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "consumer/docstore/document_store.h"
#include "consumer/search/search_api.h"
#include "emulator/app/admin.h"
#include "emulator/app/auth_gate.h"
#include "emulator/app/bootstrap.h"
#include "emulator/app/config.h"
#include "emulator/app/docstore_binding.h"
#include "emulator/app/consumer_workload.h"
#include "emulator/app/dashboard_binding.h"
#include "consumer/preprocess/pipeline_config.h"
#include "emulator/app/lazy_embedder.h"
#include "emulator/app/serving_workload.h"
#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/core/logging.h"
#include "emulator/http/router.h"
#include "emulator/http/server.h"
#include "emulator/prom/api.h"
#include "emulator/prom/http_fetch.h"
#include "emulator/prom/metrics_source.h"
#include "emulator/prom/scraper.h"
#include "emulator/prom/self_ingest.h"
#include "emulator/store/state_store.h"
#include "orchestrator/controller/api.h"
#include "orchestrator/controller/controller.h"
#include "orchestrator/kube/kube_api.h"
#include "emulator/app/services_binding.h"
#include "emulator/app/request_gate.h"
#include "emulator/app/snapshots.h"
#include "emulator/app/kubeconfig_command.h"
#include "s3/service/service.h"
#include "sqs/service/service.h"

namespace hayloft::app {
namespace asio = boost::asio;

namespace {

// The aws-sqs-queue scaler's view of the in-process queues.
class sqs_queue_metrics final : public orchestrator::queue_metrics {
 public:
  explicit sqs_queue_metrics(sqs::service& s) : sqs_(s) {}
  result<orchestrator::queue_counts> counts(std::string_view queue) override {
    auto c = sqs_.queue_counts(queue);
    if (!c.ok()) return c.err();
    return orchestrator::queue_counts{c->visible, c->not_visible, c->delayed};
  }

 private:
  sqs::service& sqs_;
};

// GET /metrics: the Prometheus text exposition of every registered metric and collector.
class metrics_handler final : public core::request_handler {
 public:
  explicit metrics_handler(core::metrics_registry& m) : metrics_(m) {}
  void handle(core::request, core::completion done) override {
    core::response r;
    r.headers.add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.body = metrics_.render();
    done(std::move(r));
  }
  core::response render_error(const core::request&, const core::aws_error& e) const override {
    return core::response{e.status, {}, e.message + "\n"};
  }

 private:
  core::metrics_registry& metrics_;
};

// S3 event notifications -> SendMessage on the in-process queue named by the ARN.
class sqs_event_sink final : public s3::event_sink {
 public:
  explicit sqs_event_sink(sqs::service& s) : sqs_(s) {}
  void deliver(std::string_view queue_arn, std::string body) override {
    sqs_.deliver(queue_arn, std::move(body), [arn = std::string(queue_arn)](result<sqs::api::send_result> r) {
      if (!r.ok()) spdlog::warn("s3 event notification to {} not delivered: {}", arn, r.err().message);
    });
  }
  bool accepts(std::string_view queue_arn) const override { return sqs_.accepts_events(queue_arn); }

 private:
  sqs::service& sqs_;
};

// The manifest files of --apply paths: a file as given, a folder recursively (.yaml, .yml, .json).
std::vector<std::filesystem::path> manifest_files(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<fs::path> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      if (!fs::is_regular_file(p, ec)) throw std::runtime_error("--apply: no such file or directory: " + p);
      out.emplace_back(p);
      continue;
    }
    std::vector<fs::path> found;
    for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
      auto ext = e.path().extension();
      if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) found.push_back(e.path());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

// What metrics and the request log call a request: the service, and the operation as AWS names
// it (S3 "PutObject", SQS "SendMessage" from X-Amz-Target or Action), the admin route, or the
// method elsewhere. Every name points into static storage, and unknown names collapse to
// "Unknown" so clients cannot grow the label set.
struct request_name {
  http::route route;
  std::string_view service;
  std::string_view operation;
};

std::string_view static_method(std::string_view m) {
  static constexpr std::string_view methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
  for (auto known : methods)
    if (m == known) return known;
  return "OTHER";
}

request_name name_request(const core::request& r) {
  const auto route = http::classify(r);
  switch (route) {
    case http::route::s3:
      return {route, "s3", s3::service::operation_of(r)};
    case http::route::sqs: {
      std::string_view name;
      if (auto target = r.headers.get("x-amz-target")) name = target->substr(target->find('.') + 1);
      else if (auto action = r.param("Action")) name = *action;
      core::query_params form;
      if (name.empty() && !r.body_in_file() && core::parse_query(r.body, form, true))
        for (const auto& [k, v] : form)
          if (k == "Action") name = v;
      auto op = sqs::api::op_from_name(name);
      return {route, "sqs", op ? sqs::api::op_name(*op) : std::string_view("Unknown")};
    }
    case http::route::admin: {
      std::string_view p = r.path;
      auto slash = p.find('/', 1);
      auto rest = slash == std::string_view::npos ? std::string_view() : p.substr(slash + 1);
      auto name = rest.substr(0, rest.find('/'));
      static const std::set<std::string, std::less<>> known = {
          "health", "reset", "clock", "search", "docs", "apply", "delete", "get", "describe", "scale",
          "logs", "events", "init", "ui", "overview", "port-forward", "top", "snapshots"};
      auto it = known.find(name);
      return {route, "admin", it != known.end() ? std::string_view(*it) : std::string_view("Unknown")};
    }
    case http::route::k8s: return {route, "k8s", static_method(r.method)};
    case http::route::metrics: return {route, "metrics", static_method(r.method)};
    case http::route::prometheus: return {route, "prometheus", static_method(r.method)};
    case http::route::count: break;
  }
  return {route, "unknown", static_method(r.method)};
}

class pool_runner final : public core::task_runner {
 public:
  explicit pool_runner(std::size_t n) : pool_(n) {}
  ~pool_runner() override { pool_.join(); }
  // A task that throws is logged; the request it served (if any) is answered 500 by the edge
  // when the completion the task held is dropped unanswered.
  void post(std::function<void()> fn) override {
    asio::post(pool_, [fn = std::move(fn)] {
      try {
        fn();
      } catch (const std::exception& e) {
        spdlog::error("background task failed: {}", e.what());
      } catch (...) {
        spdlog::error("background task failed: unknown exception");
      }
    });
  }
  void stop() { pool_.stop(); }

 private:
  asio::thread_pool pool_;
};

// Connections, blobs and pods all take file descriptors: use the hard limit, as Go's runtime and
// nginx's worker_rlimit_nofile do, so the edge's connection cap is not the soft default of 1024.
void raise_open_file_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= lim.rlim_max) return;
  lim.rlim_cur = lim.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) spdlog::debug("cannot raise the open-file limit");
}

std::filesystem::path make_memory_dir() {
  std::filesystem::path base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  auto dir = base / ("hayloft-mem-" + std::to_string(::getpid()) + "-" + core::random_hex(4));
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

struct application::impl {
  explicit impl(up_options o) : opts(std::move(o)) {}
  // A start that failed part-way (a bad --apply or --bootstrap) leaves loops and pods running:
  // stop them while everything they call into (scraper, dashboard, stores) still exists.
  ~impl() {
    if (shutdown_waiter.joinable()) shutdown_waiter.join();
    if (orchestrator) orchestrator->stop();
  }
  std::thread shutdown_waiter;  // started by shutdown(), joined by run()
  up_options opts;
  std::filesystem::path data_dir;
  std::unique_ptr<core::clock> clock;
  std::unique_ptr<pool_runner> blocking;
  std::unique_ptr<store::state_store> store;
  std::unique_ptr<admin_service> admin;
  std::unique_ptr<s3::service> s3;
  std::unique_ptr<sqs::service> sqs;
  std::unique_ptr<sqs_event_sink> s3_events;
  std::unique_ptr<init_scripts> init;
  app::config config;
  std::unique_ptr<auth_gate> s3_gate, sqs_gate;
  std::unique_ptr<sqs_queue_metrics> queue_metrics;
  std::unique_ptr<prom::series_store> prom_store;              // before `orchestrator`: outlives it
  std::unique_ptr<prom::store_metrics_source> prom_source;
  orchestrator::pods::workload_registry workloads;
  std::unique_ptr<orchestrator::controller> orchestrator;
  std::unique_ptr<pool_runner> pipeline_pool;
  core::metrics_registry metrics;
  std::unique_ptr<metrics_handler> metrics_endpoint;
  // After `metrics` and `orchestrator` (their collectors) and `blocking` (their jobs): destroyed first.
  std::unique_ptr<prom::registry_sampler> prom_sampler;
  std::unique_ptr<prom::scraper> prom_scraper;
  std::unique_ptr<prom::api_handler> prom_api;
  std::mutex scrape_targets_mutex;  // guards last_scrape_targets
  std::vector<orchestrator::scrape_target> last_scrape_targets;

  // Hands the orchestrator's scrape targets (PodMonitoring, prometheus.io annotations) to the
  // scraper when they change. Runs on the controller's worker thread after each loop iteration.
  void update_scrape_targets() {
    if (!prom_scraper) return;
    auto now = orchestrator->scrape_targets();
    {
      std::lock_guard lock(scrape_targets_mutex);
      if (now == last_scrape_targets) return;
      last_scrape_targets = now;
    }
    std::vector<prom::scrape_target> targets;
    for (const auto& t : now) {
      std::vector<prom::labels::entry> pairs(t.labels.begin(), t.labels.end());
      targets.push_back({t.url, prom::labels(std::move(pairs)), t.interval, t.timeout});
    }
    prom_scraper->set_targets(std::move(targets));
  }
  std::unique_ptr<orchestrator::admin_api> orchestrator_api;
  std::unique_ptr<orchestrator::kube::kube_api> kube_api;  // after `orchestrator`: destroyed first
  std::unique_ptr<services_binding> services;              // after `orchestrator` and `metrics`: destroyed first
  std::unique_ptr<lazy_embedder> embedder;
  std::unique_ptr<consumer::document_store> docs;
  std::unique_ptr<consumer::search_api> search;
  std::unique_ptr<dashboard::dashboard> board;
  std::unique_ptr<request_gate> gate;  // S3 and SQS requests pass it; a restore closes it
  std::unique_ptr<snapshot_manager> snapshots;
  http::router router;
  asio::io_context ioc;
  std::unique_ptr<http::server> server;

  std::vector<std::thread> io_threads;  // start(): the embedded stack's I/O threads

  void build();
  void shutdown();
  std::uint16_t start_components();
  unsigned thread_count() const {
    return opts.io_threads ? opts.io_threads : std::max(1u, std::thread::hardware_concurrency());
  }
  http::dispatch dispatch(const core::request& r);
  // Runs the io_context. An exception escaping a completion handler leaves run(): log it and
  // keep the thread serving (the request it belonged to is answered 500 by the edge, or its
  // connection closes).
  void run_io() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("I/O thread: unhandled exception: {}", e.what());
      } catch (...) {
        spdlog::error("I/O thread: unhandled exception");
      }
    }
  }
};

void application::impl::build() {
  if (opts.clock == "manual") clock = core::make_manual_clock();
  else if (opts.time_scale != 1.0) clock = core::make_scaled_clock(opts.time_scale);
  else clock = core::make_system_clock();

  auto cfg = load_config(opts.config_file);
  if (!cfg.ok()) throw std::runtime_error(cfg.err().message);
  config = std::move(cfg).value();

  data_dir = opts.in_memory ? make_memory_dir() : opts.data_dir;
  auto st = store::state_store::open({.dir = data_dir, .durable = !opts.in_memory});
  if (!st.ok()) throw std::runtime_error("cannot open state in " + data_dir.string() + ": " + st.err().message);
  store = std::move(st).value();
  blocking = std::make_unique<pool_runner>(4);

  admin = std::make_unique<admin_service>(*clock, *blocking);
  router.set(http::route::admin, admin.get());

  s3::options s3_options;
  s3_options.evaluate_access = opts.auth;
  s3_options.aws_bucket_defaults = opts.s3_aws_bucket_defaults;
  s3 = std::make_unique<s3::service>(*store, *clock, *blocking, std::move(s3_options));
  router.set(http::route::s3, s3.get());
  admin->add_service("s3");
  admin->add_reset("s3", [this] { (void)s3->reset(); });

  sqs = std::make_unique<sqs::service>(*store, *clock);
  router.set(http::route::sqs, sqs.get());
  admin->add_service("sqs");
  admin->add_reset("sqs", [this] { (void)sqs->reset(); });
  s3_events = std::make_unique<sqs_event_sink>(*sqs);
  s3->set_event_sink(s3_events.get());

  if (opts.auth) {
    if (opts.config_file.empty()) {
      config.credentials = http::auth::static_credentials({{"test", "test", ""}});
      spdlog::warn("--auth without --config: accepting only access key 'test' with secret 'test'");
    } else if (config.credentials.size() == 0) {
      throw std::runtime_error("--auth: " + opts.config_file + " lists no auth.credentials");
    }
    s3_gate = std::make_unique<auth_gate>(*s3, http::auth::protocol::s3, config.credentials, *clock, *blocking);
    sqs_gate = std::make_unique<auth_gate>(*sqs, http::auth::protocol::sqs, config.credentials, *clock, *blocking);
    router.set(http::route::s3, s3_gate.get());
    router.set(http::route::sqs, sqs_gate.get());
  }

  // Outermost on the S3 and SQS routes (before auth): a restore holds requests here.
  gate = std::make_unique<request_gate>([this](std::function<void()> fn) { asio::post(ioc, std::move(fn)); });
  router.set(http::route::s3, gate->door(*router.get(http::route::s3)));
  router.set(http::route::sqs, gate->door(*router.get(http::route::sqs)));

  embedder = std::make_unique<lazy_embedder>(opts.embedder, opts.model_dir, &metrics);
  {
    const std::string spec = !opts.docstore.empty() ? opts.docstore : !config.docstore.empty() ? config.docstore : "sqlite";
    auto d = open_docstore({.spec = spec, .state = store.get(), .searching = true, .pool_size = std::max(2u, opts.workers) + 2,
                            .start_while_unreachable = true}, *clock);
    if (!d.ok()) throw std::runtime_error("document store: " + d.err().message);
    docs = std::move(d).value();
    spdlog::info("document store: {}", docs->describe());
  }
  search = std::make_unique<consumer::search_api>(*docs, *embedder, *blocking);
  for (const char* route : {"search", "docs"})
    admin->add_route(route, [this, route](core::request r, core::completion d) { search->handle(route, std::move(r), std::move(d)); });
  admin->add_reset("docstore", [this] { (void)docs->reset(); });

  queue_metrics = std::make_unique<sqs_queue_metrics>(*sqs);
  orchestrator::pods::add_test_workloads(workloads);
  pipeline_pool = std::make_unique<pool_runner>(std::max(1u, opts.workers));
  consumer::pipeline_settings ps;
  if (!config.pipeline.empty()) {
    auto pc = consumer::load_pipeline_yaml(config.pipeline);
    if (!pc.ok()) throw std::runtime_error("pipeline " + config.pipeline.string() + ": " + pc.err().message);
    for (const auto& w : pc->warnings) spdlog::warn("pipeline {}: {}", config.pipeline.string(), w);
    if (pc->preprocessor) ps.preprocess = *pc->preprocessor;
  }
  workloads.add("hayloft/indexing-consumer",
                make_indexing_consumer_workload({*sqs, *s3, *embedder, *docs, *pipeline_pool, *clock, &metrics, ps}));
  workloads.add(embedding_server_image, make_embedding_server_workload(lazy_serving_bindings(*embedder)));
  // Prometheus series (emulator/prom/README.md); the prometheus trigger reads them.
  prom_store = std::make_unique<prom::series_store>();
  prom_source = std::make_unique<prom::store_metrics_source>(*prom_store, *clock);
  admin->add_reset("prometheus", [this] { prom_store->clear(); });
  orchestrator::options oo;
  oo.metrics = prom_source.get();
  oo.image_map = config.images;
  oo.log_dir = data_dir / "logs";
  orchestrator = std::make_unique<orchestrator::controller>(*store, *clock, *queue_metrics, workloads, oo);
  orchestrator_api = std::make_unique<orchestrator::admin_api>(*orchestrator);
  for (const char* route : {"apply", "delete", "get", "describe", "scale", "logs", "events", "top"})
    admin->add_route(route, [this](core::request r, core::completion d) { orchestrator_api->handle(std::move(r), std::move(d)); });
  admin->add_service("orchestrator");
  admin->add_reset("orchestrator", [this] { (void)orchestrator->reset(); });
  kube_api = std::make_unique<orchestrator::kube::kube_api>(*orchestrator, *clock);
  // After every loop iteration: kubectl watches, and the pods Prometheus should scrape.
  // After every loop iteration: kubectl watches, the pods Prometheus should scrape, and the
  // Service proxy's listeners and endpoints.
  services = std::make_unique<services_binding>(*orchestrator, metrics);
  orchestrator->set_loop_listener([this, kube = kube_api->loop_listener()] {
    kube();
    update_scrape_targets();
    services->sync();
  });
  admin->add_route("port-forward", [this](core::request r, core::completion d) { services->handle_port_forward(std::move(r), std::move(d)); });
  admin->add_reset("services", [this] { services->reset(); });
  router.set(http::route::k8s, kube_api.get());

  board = std::make_unique<dashboard::dashboard>(*clock, *blocking, make_snapshot_provider({*s3, *sqs, *orchestrator}),
                                                dashboard_options(*clock));
  for (const char* route : {"ui", "overview"})
    admin->add_route(route, [this](core::request r, core::completion d) { board->handle(std::move(r), std::move(d)); });
  admin->add_reset("dashboard", [this] { board->reset(); });
  add_queue_metrics(metrics, *sqs);
  snapshots = std::make_unique<snapshot_manager>(
      snapshot_services{*store, *s3, *sqs, *orchestrator, *docs, *gate, *clock, [this] { board->reset(); }},
      data_dir / "snapshots", opts.in_memory ? opts.data_dir / "snapshots" : std::filesystem::path());
  admin->add_route("snapshots", [this](core::request r, core::completion d) {
    snapshots->handle(std::move(r), std::move(d), *blocking);
  });

  metrics_endpoint = std::make_unique<metrics_handler>(metrics);
  router.set(http::route::metrics, metrics_endpoint.get());
  prom_sampler = std::make_unique<prom::registry_sampler>(metrics, *prom_store, *clock, blocking.get());
  prom_scraper = std::make_unique<prom::scraper>(*prom_store, *clock, blocking.get(), prom::make_http_fetch());
  prom_api = std::make_unique<prom::api_handler>(*prom_store, *clock, blocking.get(), prom_scraper.get());
  router.set(http::route::prometheus, prom_api.get());
  metrics.describe("hayloft_orchestrator", "gauge", "Orchestrator gauges (replicas, scaler metrics).");
  metrics.add_collector([this](std::vector<core::sample>& out) {
    for (const auto& g : orchestrator->gauges()) {
      core::label_set labels(g.labels.begin(), g.labels.end());
      out.push_back({g.name, std::move(labels), g.value});
    }
  });

  http::server_options so;
  so.host = opts.host;
  so.port = opts.port;
  so.spill_dir = store->blobs().tmp_dir();
  server = std::make_unique<http::server>(ioc, so, [this](const core::request& r) { return dispatch(r); });
}

// One classification per request: the handler, and what metrics and the request log call it.
http::dispatch application::impl::dispatch(const core::request& r) {
  const auto name = name_request(r);
  const bool aws = name.route == http::route::s3 || name.route == http::route::sqs;
  // The path only for the lines that show it, and only when they are printed.
  std::string path = !aws && spdlog::should_log(spdlog::level::debug) ? r.raw_path : std::string();
  auto finish = [this, name, aws, method = static_method(r.method), path = std::move(path)](const http::request_outcome& o) {
    metrics
        .counter("hayloft_http_requests_total", "HTTP requests by service, operation, method and status.",
                 {{"service", std::string(name.service)},
                  {"operation", std::string(name.operation)},
                  {"method", std::string(method)},
                  {"code", std::to_string(o.status)}})
        .inc();
    metrics
        .histogram("hayloft_http_request_seconds", "HTTP request latency by service and operation.",
                   {{"service", std::string(name.service)}, {"operation", std::string(name.operation)}})
        .observe(o.seconds);
    core::log_request({aws, name.service, name.operation, method, path, o.status, o.error_code, o.seconds});
    if (o.error_code == "NotImplemented")
      spdlog::warn("{} {} is not implemented by hayloft (answered {} NotImplemented)", name.service, name.operation,
                   o.status);
  };
  return {router.get(name.route), std::move(finish)};
}

void application::impl::shutdown() {
  if (shutdown_waiter.joinable()) return;  // a second signal: already shutting down
  spdlog::info("shutting down: finishing requests in flight, stopping pods");
  server->shutdown();
  if (init) init->stop();
  services->stop();
  orchestrator->stop();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  // Joined by run() once the I/O threads return: the io_context may run out of work before the
  // wait ends, and the server must outlive this thread (a detached waiter read a destroyed server).
  shutdown_waiter = std::thread([this, deadline] {
    while (server->busy() > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ioc.stop();
  });
}

application::application(up_options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}
application::~application() {
  stop();
  if (impl_ && impl_->opts.in_memory && !impl_->data_dir.empty()) {
    impl_->server.reset();
    impl_->board.reset();
    impl_->store.reset();
    std::error_code ec;
    std::filesystem::remove_all(impl_->data_dir, ec);
  }
}

std::uint16_t application::impl::start_components() {
  auto& s = *this;
  // Configuration errors before anything starts.
  auto scripts = find_init_scripts(s.opts.bootstrap_dirs);
  if (!scripts.ok()) throw std::runtime_error(scripts.err().message);
  raise_open_file_limit();
  s.build();
  std::uint16_t port = s.server->listen();
  if (auto r = s.orchestrator->start(); !r.ok()) throw std::runtime_error("orchestrator: " + r.err().message);
  s.board->start();
  s.services->start();
  if (!s.opts.snapshot.empty()) {
    auto r = s.snapshots->restore(s.opts.snapshot);
    if (!r.ok()) throw std::runtime_error("--snapshot " + s.opts.snapshot + ": " + r.err().message);
  }
  for (const auto& file : manifest_files(s.opts.apply_paths)) {
    std::ifstream in(file, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto r = s.orchestrator->apply(text, s.opts.apply_namespace, !s.opts.apply_namespace.empty());
    if (!r.ok()) throw std::runtime_error("--apply " + file.string() + ": " + r.err().message);
    for (const auto& w : r->value("warnings", nlohmann::json::array())) spdlog::warn("--apply {}: {}", file.string(), w.is_string() ? w.get<std::string>() : w.dump());
    for (const auto& item : r->value("items", nlohmann::json::array()))
      if (item.contains("error"))
        throw std::runtime_error("--apply " + file.string() + ": " + item["error"].value("message", item.dump()));
    spdlog::info("applied {}", file.string());
  }
  spdlog::info("hayloft {} listening on http://{}:{} (data: {}{})", HAYLOFT_VERSION, s.opts.host, port,
               s.data_dir.string(), s.opts.in_memory ? ", in memory" : "");
  if (!s.opts.port_file.empty()) {
    auto tmp = s.opts.port_file + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::filesystem::rename(tmp, s.opts.port_file);
  }
  std::string connect_host = s.opts.host == "0.0.0.0" || s.opts.host == "::" ? "127.0.0.1" : s.opts.host;
  if (connect_host.find(':') != std::string::npos) connect_host = "[" + connect_host + "]";
  if (s.opts.kubeconfig_merge) merge_kubeconfig_at_start(s.opts.host, port);
  s.init = std::make_unique<init_scripts>(std::move(*scripts), "http://" + connect_host + ":" + std::to_string(port),
                                          s.data_dir / "bin");
  s.admin->add_route("init", [&s](core::request, core::completion done) {
    done(json_response(200, s.init->state().dump() + "\n"));
  });
  s.init->run();
  return port;
}

int application::run() {
  auto& s = *impl_;
  s.start_components();
  asio::signal_set signals(s.ioc, SIGINT, SIGTERM);
  signals.async_wait([&s](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("received signal {}", sig);
    s.shutdown();
  });
  unsigned n = s.thread_count();
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < n; ++i) threads.emplace_back([&s] { s.run_io(); });
  s.run_io();
  for (auto& t : threads) t.join();
  if (s.shutdown_waiter.joinable()) s.shutdown_waiter.join();
  spdlog::info("stopped");
  return 0;
}

std::uint16_t application::start() {
  auto& s = *impl_;
  std::uint16_t port = s.start_components();
  for (unsigned i = 0, n = s.thread_count(); i < n; ++i) s.io_threads.emplace_back([&s] { s.run_io(); });
  return port;
}

void application::stop() {
  if (!impl_ || impl_->io_threads.empty()) return;
  auto& s = *impl_;
  // On an I/O thread, where a signal's handler would run it.
  asio::post(s.ioc, [&s] { s.shutdown(); });
  for (auto& t : s.io_threads) t.join();
  s.io_threads.clear();
  if (s.shutdown_waiter.joinable()) s.shutdown_waiter.join();
  spdlog::info("stopped");
}

}  // namespace hayloft::app
