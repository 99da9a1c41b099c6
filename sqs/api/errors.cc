#include "sqs/api/errors.h"

#include <array>

namespace hayloft::sqs {
namespace {

constexpr std::string_view kPrefix = "com.amazonaws.sqs#";

// Indexed by errc. Status codes and query codes: botocore 1.29's query model of SQS (the
// `error` trait of each exception shape); ResourceNotFoundException answers 404 as LocalStack's
// AWS-validated move-task handlers do.
const std::array<wire_error, 23> kTable{{
    {200, "", "", true},  // ok (never rendered)
    {400, "com.amazonaws.sqs#QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", true},
    {400, "com.amazonaws.sqs#QueueNameExists", "QueueAlreadyExists", true},
    {400, "com.amazonaws.sqs#QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently", true},
    {403, "com.amazonaws.sqs#PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", true},
    {400, "com.amazonaws.sqs#BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", true},
    {400, "com.amazonaws.sqs#BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", true},
    {400, "com.amazonaws.sqs#EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", true},
    {400, "com.amazonaws.sqs#InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", true},
    {400, "com.amazonaws.sqs#TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
     true},
    {400, "com.amazonaws.sqs#InvalidAttributeName", "InvalidAttributeName", true},
    {400, "com.amazonaws.sqs#InvalidAttributeValue", "InvalidAttributeValue", true},
    {400, "com.amazonaws.sqs#InvalidMessageContents", "InvalidMessageContents", true},
    {400, "com.amazonaws.sqs#MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", true},
    {403, "com.amazonaws.sqs#OverLimit", "OverLimit", true},
    {400, "com.amazonaws.sqs#ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", true},
    {404, "com.amazonaws.sqs#ResourceNotFoundException", "ResourceNotFoundException", true},
    {400, "com.amazonaws.sqs#InvalidParameterValue", "InvalidParameterValue", true},
    {400, "com.amazonaws.sqs#MissingParameter", "MissingParameter", true},
    {400, "com.amazon.coral.service#UnknownOperationException", "InvalidAction", true},
    {400, "com.amazon.coral.service#SerializationException", "MalformedQueryString", true},
    {500, "com.amazonaws.sqs#InternalError", "InternalError", false},
    {503, "com.amazonaws.sqs#ServiceUnavailable", "ServiceUnavailable", false},
}};
static_assert(kTable.size() == static_cast<std::size_t>(errc::service_unavailable) + 1);

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "sqs"; }
  std::string message(int ev) const override {
    auto i = static_cast<std::size_t>(ev);
    if (i >= kTable.size()) return "unknown sqs error";
    auto t = kTable[i].json_type;
    if (t.starts_with(kPrefix)) t.remove_prefix(kPrefix.size());
    return std::string(t);
  }
};

}  // namespace

const std::error_category& sqs_category() {
  static const category c;
  return c;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), sqs_category()}; }

const wire_error& wire(std::error_code code) {
  if (code.category() != sqs_category() || code.value() <= 0 ||
      static_cast<std::size_t>(code.value()) >= kTable.size())
    return kTable[static_cast<std::size_t>(errc::internal_error)];
  return kTable[static_cast<std::size_t>(code.value())];
}

}  // namespace hayloft::sqs
