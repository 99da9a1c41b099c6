#include "sqs/service/service.h"

#include <stdexcept>

#include "emulator/core/ids.h"
#include "sqs/api/errors.h"
#include "sqs/api/parse.h"
#include "sqs/api/render.h"
#include "sqs/service/engine.h"

namespace hayloft::sqs {
namespace {

template <class T>
std::function<void(result<api::result_body>)> unwrap(service::callback<T> done) {
  return [done = std::move(done)](result<api::result_body> r) {
    if (!r.ok()) return done(r.err());
    if (auto* v = std::get_if<T>(&r.value())) return done(std::move(*v));
    done(make_error(errc::internal_error, "unexpected result type"));
  };
}

std::function<void(result<api::result_body>)> unwrap_void(service::callback<void> done) {
  return [done = std::move(done)](result<api::result_body> r) {
    if (!r.ok()) return done(r.err());
    done(result<void>{});
  };
}

api::call typed_call(api::op o, api::request_body body) {
  api::call c;
  c.operation = o;
  c.input = std::move(body);
  return c;
}

}  // namespace

service::service(hayloft::store::state_store& store, core::clock& clock, options opts)
    : engine_(std::make_unique<engine>(store, clock, std::move(opts))) {
  auto loaded = engine_->load();
  if (!loaded.ok()) throw std::runtime_error("sqs: cannot load state: " + loaded.err().message);
}

service::~service() { engine_->close(); }

const options& service::opts() const { return engine_->opts(); }

void service::handle(core::request req, core::completion done) {
  const auto proto = api::detect(req).value_or(api::protocol::json);
  auto request_id = req.request_id.empty() ? core::uuid4() : req.request_id;
  auto parsed = api::parse(req);
  if (!parsed.ok()) return done(api::render_error(proto, parsed.err(), request_id));
  const auto o = parsed->operation;
  engine_->execute(std::move(parsed).value(), [done = std::move(done), proto, o, request_id](result<api::result_body> r) {
    if (!r.ok()) return done(api::render_error(proto, r.err(), request_id));
    done(api::render(proto, o, r.value(), request_id));
  });
}

core::response service::render_error(const core::request& req, const core::aws_error& err) const {
  const auto proto = api::detect(req).value_or(api::protocol::json);
  return api::render_error(proto, err, req.request_id.empty() ? core::uuid4() : req.request_id);
}

void service::execute(api::call c, callback<api::result_body> done) { engine_->execute(std::move(c), std::move(done)); }

void service::send(std::string queue, api::send_entry entry, callback<api::send_result> done) {
  engine_->execute(typed_call(api::op::send_message, api::send_message_request{std::move(queue), std::move(entry)}),
                   unwrap<api::send_result>(std::move(done)));
}

void service::receive(api::receive_message_request request, callback<api::receive_result> done) {
  engine_->execute(typed_call(api::op::receive_message, std::move(request)), unwrap<api::receive_result>(std::move(done)));
}

void service::delete_message(std::string queue, std::string receipt_handle, callback<void> done) {
  engine_->execute(
      typed_call(api::op::delete_message, api::delete_message_request{std::move(queue), std::move(receipt_handle)}),
      unwrap_void(std::move(done)));
}

void service::change_visibility(std::string queue, std::string receipt_handle, std::int64_t timeout_seconds,
                                callback<void> done) {
  engine_->execute(typed_call(api::op::change_message_visibility,
                              api::change_message_visibility_request{std::move(queue), std::move(receipt_handle),
                                                                     timeout_seconds}),
                   unwrap_void(std::move(done)));
}

result<std::string> service::get_queue_url(std::string_view queue_name, std::string_view host) const {
  return engine_->queue_url(queue_name, host);
}

result<message_counts> service::queue_counts(std::string_view queue) const { return engine_->counts(queue); }

void service::deliver(std::string_view queue_arn, std::string body, callback<api::send_result> done) {
  auto q = engine_->by_arn(queue_arn);
  if (!q) return done(make_error(errc::queue_does_not_exist, "The specified queue does not exist."));
  if (q->config().fifo)
    return done(make_error(errc::invalid_parameter_value, "Event notifications cannot target a FIFO queue."));
  api::send_entry e;
  e.message_body = std::move(body);
  send("/" + q->account() + "/" + q->name(), std::move(e), std::move(done));
}

bool service::accepts_events(std::string_view queue_arn) const {
  auto q = engine_->by_arn(queue_arn);
  return q && !q->config().fifo;
}

result<void> service::reset() { return engine_->reset(); }
std::size_t service::release_waiters() { return engine_->release_waiters(); }
result<void> service::reload() { return engine_->reload(); }

}  // namespace hayloft::sqs
