#pragma once
// `hayloft consume`: the indexing consumer on its own, against any SQS queue and S3 bucket over
// HTTP(S) with SigV4 (a running `hayloft up`, another emulator, or real AWS), writing chunks to a
// local document store (state.db in --data-dir) or, with --docstore postgresql://..., to one
// PostgreSQL database shared by every consumer. This is what runs as a pod in a real cluster.
//
// Settings: flags first, then the environment as the reference consumer reads it: SQS_QUEUE
// (default test-queue), S3_BUCKET (default test-bucket), HAYLOFT_INDEX (default "default"),
// AWS_ENDPOINT_URL / AWS_ENDPOINT (default: AWS's own endpoints), AWS_REGION /
// AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN,
// AWS_CA_BUNDLE.
//
// run_consume blocks until SIGINT or SIGTERM, then stops gracefully: the message being indexed
// is finished and deleted, messages received but not started are left to reappear after their
// visibility timeout. Exit code 0 after a graceful stop, 1 when start-up fails (bad pipeline
// YAML, no embedder, unusable data dir, unknown queue).
#include <filesystem>
#include <string>

namespace CLI {
class App;
}

namespace hayloft::app {

struct consume_options {
  std::string endpoint;  // empty: AWS_ENDPOINT_URL, AWS_ENDPOINT, else AWS
  std::string queue;     // name or URL; empty: SQS_QUEUE, else test-queue
  std::string bucket;    // empty: S3_BUCKET, else test-bucket
  std::string index;     // empty: HAYLOFT_INDEX, else default
  std::string region;    // empty: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1
  std::filesystem::path data_dir = ".hayloft-consumer";
  std::string docstore;  // sqlite | postgresql://...; empty: HAYLOFT_DOCSTORE, else sqlite
  std::string embedder = "use";  // use | hash
  std::string model_dir;
  std::string pipeline_file;  // Haystack 1.x pipeline YAML: PreProcessor settings
  unsigned workers = 1;       // consumers (each a receive loop) and pipeline threads
  int wait_seconds = 20;      // ReceiveMessage long-poll time
  bool no_verify_ssl = false;
  std::string log_level = "info";
};

// Registers the `consume` subcommand and its flags on `cli`, filling `opts` when parsed.
CLI::App* add_consume_command(CLI::App& cli, consume_options& opts);

// Runs the consumer until SIGINT/SIGTERM. Returns the process exit code.
int run_consume(const consume_options& opts);

}  // namespace hayloft::app
