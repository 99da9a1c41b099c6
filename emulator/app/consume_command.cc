#include "emulator/app/consume_command.h"

#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdlib>
#include <future>
#include <memory>
#include <vector>

#include "consumer/docstore/document_store.h"
#include "emulator/app/docstore_binding.h"
#include "consumer/embed/embedder.h"
#include "consumer/preprocess/pipeline_config.h"
#include "consumer/worker/indexing_consumer.h"
#include "consumer/worker/pipeline.h"
#include "emulator/app/remote_sources.h"
#include "emulator/core/clock.h"
#include "emulator/core/executor.h"
#include "emulator/core/logging.h"
#include "emulator/store/state_store.h"

namespace hayloft::app {
namespace {

class pool_runner final : public core::task_runner {
 public:
  explicit pool_runner(std::size_t n) : pool_(n) {}
  ~pool_runner() override { pool_.join(); }
  void post(std::function<void()> fn) override { boost::asio::post(pool_, std::move(fn)); }

 private:
  boost::asio::thread_pool pool_;
};

std::string setting(const std::string& flag, const char* env_name, const char* fallback) {
  if (!flag.empty()) return flag;
  if (const char* v = std::getenv(env_name); v && *v) return v;
  return fallback;
}

// The PreProcessor settings: the pipeline YAML's first PreProcessor, else the built-in defaults
// (the reference app's split_by word, 250 words, 20 overlap).
result<consumer::pipeline_settings> pipeline_from(const std::string& file) {
  consumer::pipeline_settings s;
  if (file.empty()) return s;
  auto cfg = consumer::load_pipeline_yaml(file);
  if (!cfg.ok()) return cfg.err();
  for (const auto& w : cfg->warnings) spdlog::warn("{}: {}", file, w);
  if (cfg->preprocessor) {
    s.preprocess = *cfg->preprocessor;
  } else {
    spdlog::warn("{}: the indexing pipeline has no PreProcessor: documents are indexed whole",
                 file);
    s.preprocess.split_by = consumer::split_unit::none;
  }
  return s;
}

// Blocks SIGINT and SIGTERM in this thread and every thread started after, so that only the
// sigwait() below receives them.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

CLI::App* add_consume_command(CLI::App& cli, consume_options& o) {
  auto* cmd = cli.add_subcommand(
      "consume", "run the indexing consumer against an SQS queue and S3 bucket (any endpoint)");
  cmd->add_option("--endpoint", o.endpoint,
                  "SQS/S3 endpoint URL (default $AWS_ENDPOINT_URL, $AWS_ENDPOINT, else AWS)");
  cmd->add_option("--queue", o.queue, "queue name or URL (default $SQS_QUEUE or test-queue)");
  cmd->add_option("--bucket", o.bucket,
                  "bucket the message keys name (default $S3_BUCKET or test-bucket)");
  cmd->add_option("--index", o.index, "document index (default $HAYLOFT_INDEX or default)");
  cmd->add_option("--region", o.region,
                  "signing region (default $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1)");
  cmd->add_option("--data-dir", o.data_dir, "document store directory (state.db) for --docstore sqlite")
      ->capture_default_str();
  cmd->add_option("--docstore", o.docstore,
                  "sqlite (state.db in --data-dir) or a shared postgresql://user@host:port/db "
                  "(default $HAYLOFT_DOCSTORE, else sqlite; PG* variables and ~/.pgpass apply)");
  cmd->add_option("--embedder", o.embedder, "use|hash")
      ->check(CLI::IsMember({"use", "hash"}))
      ->capture_default_str();
  cmd->add_option("--model-dir", o.model_dir, "directory of the USE-lite model");
  cmd->add_option("--pipeline", o.pipeline_file,
                  "Haystack pipeline YAML to read PreProcessor settings from");
  cmd->add_option("--workers", o.workers, "consumers running in parallel")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  cmd->add_option("--wait-seconds", o.wait_seconds, "long-poll time of each receive")
      ->check(CLI::Range(0, 20))
      ->capture_default_str();
  cmd->add_flag("--no-verify-ssl", o.no_verify_ssl,
                "do not verify TLS certificates (testing only)");
  cmd->add_option("--log-level", o.log_level, "trace|debug|info|warn|error|off")
      ->capture_default_str();
  return cmd;
}

int run_consume(const consume_options& opts) {
  core::init_logging(opts.log_level);
  const sigset_t stop_signals = block_stop_signals();

  consumer::consumer_settings settings;
  settings.queue = setting(opts.queue, "SQS_QUEUE", "test-queue");
  settings.bucket = setting(opts.bucket, "S3_BUCKET", "test-bucket");
  settings.index = setting(opts.index, "HAYLOFT_INDEX", "default");
  settings.wait = std::chrono::seconds(opts.wait_seconds);

  auto pipeline_settings = pipeline_from(opts.pipeline_file);
  if (!pipeline_settings.ok()) {
    spdlog::error("--pipeline {}: {}", opts.pipeline_file, pipeline_settings.err().message);
    return 1;
  }

  auto config = http::aws_config::from_env(opts.endpoint, opts.region);
  config.http.verify_peer = !opts.no_verify_ssl;
  std::unique_ptr<http::aws_client> aws;
  try {
    aws = std::make_unique<http::aws_client>(config);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  spdlog::info("consuming queue {} (bucket {}) at {} in region {}, index {}", settings.queue,
               settings.bucket, aws->sqs_endpoint(), config.region, settings.index);

  auto model =
      embed::make_embedder(opts.embedder == "use" ? "use-lite" : opts.embedder, opts.model_dir);
  if (!model.ok()) {
    spdlog::error("cannot load the embedder: {} (run scripts/fetch-model, or use --embedder hash)",
                  model.err().message);
    return 1;
  }
  const std::string docstore_spec = setting(opts.docstore, "HAYLOFT_DOCSTORE", "sqlite");
  if (auto r = check_docstore_spec(docstore_spec); !r.ok()) {
    spdlog::error("{}", r.err().message);
    return 1;
  }
  std::unique_ptr<store::state_store> state;
  if (!is_postgresql_docstore(docstore_spec)) {
    auto st = store::state_store::open({.dir = opts.data_dir, .durable = true});
    if (!st.ok()) {
      spdlog::error("cannot open {}: {}", opts.data_dir.string(), st.err().message);
      return 1;
    }
    state = std::move(st).value();
  }
  auto clock = core::make_system_clock();
  auto opened = open_docstore({.spec = docstore_spec, .state = state.get(), .searching = false, .pool_size = opts.workers + 1}, *clock);
  // A shared store that is down or restarting at start is waited for (capped back-off), as the
  // consumers wait for it later; wrong credentials or a newer schema fail at once.
  for (auto backoff = std::chrono::seconds(1);
       !opened.ok() && opened.code() == make_error_code(consumer::docstore_errc::unavailable);
       backoff = std::min(backoff * 2, std::chrono::seconds(30))) {
    spdlog::warn("document store: {} (retrying in {}s)", opened.err().message, backoff.count());
    timespec wait{static_cast<time_t>(backoff.count()), 0};
    if (int sig = sigtimedwait(&stop_signals, nullptr, &wait); sig == SIGINT || sig == SIGTERM) {
      spdlog::info("stopped before the document store was reachable");
      return 0;
    }
    opened = open_docstore({.spec = docstore_spec, .state = state.get(), .searching = false, .pool_size = opts.workers + 1}, *clock);
  }
  if (!opened.ok()) {
    spdlog::error("document store: {}", opened.err().message);
    return 1;
  }
  auto& docs = **opened;
  spdlog::info("document store: {}", docs.describe());

  remote_message_source messages(*aws);
  remote_object_source objects(*aws, pipeline_settings->limits.max_input_bytes);
  // A queue that does not exist is a configuration mistake: fail now. An endpoint that does not
  // answer yet is not: the consumers retry with back-off.
  if (auto url = messages.queue_url(settings.queue); !url.ok()) {
    if (url.code() == http::aws_errc::service) {
      spdlog::error("queue {}: {}", settings.queue, url.err().message);
      return 1;
    }
    spdlog::warn("queue {}: {} (retrying)", settings.queue, url.err().message);
  }

  {
    auto pool = std::make_unique<pool_runner>(opts.workers);
    consumer::indexing_pipeline pipeline(*pipeline_settings, **model, docs);
    std::vector<std::unique_ptr<consumer::indexing_consumer>> consumers;
    for (unsigned i = 0; i < opts.workers; ++i) {
      std::string tag = opts.workers > 1 ? "[" + std::to_string(i) + "] " : "";
      auto log = [tag](const std::string& line) { spdlog::info("{}{}", tag, line); };
      consumers.push_back(std::make_unique<consumer::indexing_consumer>(
          settings, messages, objects, pipeline, *pool, *clock, log));
    }
    for (auto& c : consumers) c->start();

    int sig = 0;
    sigwait(&stop_signals, &sig);
    spdlog::info("{}: stopping (finishing the messages in hand)",
                 sig == SIGINT ? "SIGINT" : "SIGTERM");
    std::vector<std::future<void>> stopped;
    for (auto& c : consumers) {
      auto done = std::make_shared<std::promise<void>>();
      stopped.push_back(done->get_future());
      c->stop([done] { done->set_value(); });
    }
    for (auto& f : stopped) f.wait();
    pool.reset();  // joins: a task that ran `stopped` may still be unwinding inside a consumer
    std::uint64_t files = 0, errors = 0;
    for (auto& c : consumers) {
      files += c->files_indexed();
      errors += c->errors();
    }
    spdlog::info("stopped: {} files indexed, {} errors", files, errors);
  }
  return 0;
}

}  // namespace hayloft::app
