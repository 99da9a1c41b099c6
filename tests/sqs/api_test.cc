// Unit tests of sqs/api (parsing, rendering, the error table) and of the service's pure helpers
// (checksums, receipt handles). Request bodies are the exact bytes real clients send: query
// bodies captured from Debian's botocore 1.29 (boto3 1.26), JSON bodies from botocore 1.43.
#include <gtest/gtest.h>

#include "sqs/api/errors.h"
#include "sqs/api/input.h"
#include "sqs/api/parse.h"
#include "sqs/api/render.h"
#include "sqs/api/shape.h"
#include "sqs/service/checksums.h"
#include "sqs/service/receipt.h"

namespace hayloft::sqs {
namespace {

core::request form(std::string body) {
  core::request r;
  r.method = "POST";
  core::parse_target("/", r);
  r.headers.add("Host", "localhost:4566");
  r.headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  r.headers.add("Authorization",
                "AWS4-HMAC-SHA256 Credential=a/20261125/eu-central-1/sqs/aws4_request, "
                "SignedHeaders=content-type;host;x-amz-date, Signature=afc7");
  r.body = std::move(body);
  r.body_size = r.body.size();
  return r;
}

core::request json(std::string op, std::string body) {
  core::request r;
  r.method = "POST";
  core::parse_target("/", r);
  r.headers.add("Host", "localhost:4566");
  r.headers.add("X-Amz-Target", "AmazonSQS." + op);
  r.headers.add("Content-Type", "application/x-amz-json-1.0");
  r.body = std::move(body);
  r.body_size = r.body.size();
  return r;
}

api::message_attribute attr(std::string name, std::string type, std::string value) {
  api::message_attribute a{std::move(name), std::move(type), "", ""};
  if (a.is_binary())
    a.binary_value = std::move(value);
  else
    a.string_value = std::move(value);
  return a;
}

TEST(SqsChecksums, Md5OfMessageAttributesMatchesPublishedValues) {
  // wcharczuk/sqslite md5_test.go (checked against AWS).
  EXPECT_EQ(md5_of_attributes({attr("ordinal", "Number", "1"), attr("category", "String", "test")}),
            "d21ae90c49061e927f57df5f5d72be1f");
  // localstack tests/unit/test_sqs.py test_sqs_message_attrs_md5.
  EXPECT_EQ(md5_of_attributes({attr("timestamp", "Number", "1493147359900")}), "235c5c510d26fb653d073faed50ae77c");
  // The AWS SDK for JavaScript's message-attributes-md5-checksum test.
  EXPECT_EQ(md5_of_attributes({attr("SellerName", "String", "Example Store")}), "cd28f3b68aeee4b2eac9c66f2f694b58");
  // Binary transport byte and a custom type (reference: the same algorithm in Python).
  EXPECT_EQ(md5_of_attributes({attr("custom", "String.email", "alice@example.com"),
                               attr("blob", "Binary", std::string("\x00\x01\x02\xff", 4))}),
            "3a7e947885b3eaf8780321d6dd338b49");
  EXPECT_EQ(md5_of_attributes({}), "");
}

TEST(SqsChecksums, AttributeEncodingRoundTrips) {
  std::vector<api::message_attribute> in{attr("a", "Binary", std::string("\0x", 2)), attr("b", "Number.int", "7")};
  std::vector<api::message_attribute> out;
  ASSERT_TRUE(decode_attributes(encode_attributes(in), out));
  EXPECT_EQ(out, in);
  EXPECT_FALSE(decode_attributes(std::string("\x00\x00\x00\x09x", 5), out));
}

TEST(SqsChecksums, MessageCharacterRules) {
  EXPECT_TRUE(valid_message_characters("plain text\t\r\n"));
  EXPECT_TRUE(valid_message_characters("\xE2\x82\xAC \xF0\x9F\x98\x80"));  // euro sign, emoji
  EXPECT_FALSE(valid_message_characters(std::string("a\x01z")));
  EXPECT_FALSE(valid_message_characters(std::string("\x00", 1)));
  EXPECT_FALSE(valid_message_characters("\xEF\xBF\xBE"));  // U+FFFE
  EXPECT_FALSE(valid_message_characters("\xED\xA0\x80"));  // surrogate U+D800
  EXPECT_FALSE(valid_message_characters("\xC0\xAF"));      // overlong
  EXPECT_FALSE(valid_message_characters("\xFF"));
}

TEST(SqsReceipt, RoundTripsAndRejectsGarbage) {
  receipt r{7, 123456789012345, 42};
  auto h = encode_receipt(r);
  auto back = decode_receipt(h);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, r);
  EXPECT_FALSE(decode_receipt("not-a-handle"));
  EXPECT_FALSE(decode_receipt(""));
  auto tampered = h;
  tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(decode_receipt(tampered));
}

TEST(SqsParse, DetectsProtocols) {
  EXPECT_EQ(api::detect(json("SendMessage", "{}")), api::protocol::json);
  EXPECT_EQ(api::detect(form("Action=ListQueues&Version=2012-11-05")), api::protocol::query);
  core::request get;
  core::parse_target("/000000000000/q?Action=GetQueueAttributes&AttributeName.1=All", get);
  EXPECT_EQ(api::detect(get), api::protocol::query);
  EXPECT_FALSE(api::detect(form("Version=1")).has_value());
}

TEST(SqsParse, QueryBodiesFromBoto126) {
  auto c = api::parse(form(
      "Action=SendMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2Flocalhost%3A4566%2F000000000000%2Fq&"
      "MessageBody=hi+there%2B%26&MessageAttribute.1.Name=n&MessageAttribute.1.Value.DataType=Binary&"
      "MessageAttribute.1.Value.BinaryValue=AAE%3D&MessageSystemAttribute.1.Name=AWSTraceHeader&"
      "MessageSystemAttribute.1.Value.DataType=String&MessageSystemAttribute.1.Value.StringValue=Root%3D1"));
  ASSERT_TRUE(c.ok()) << c.err().message;
  EXPECT_EQ(c->operation, api::op::send_message);
  EXPECT_EQ(c->proto, api::protocol::query);
  EXPECT_EQ(c->region, "eu-central-1");
  EXPECT_EQ(c->host, "localhost:4566");
  const auto& s = std::get<api::send_message_request>(c->input);
  EXPECT_EQ(s.queue_url, "http://localhost:4566/000000000000/q");
  EXPECT_EQ(s.entry.message_body, "hi there+&");
  ASSERT_EQ(s.entry.message_attributes.size(), 1u);
  EXPECT_EQ(s.entry.message_attributes[0].binary_value, std::string("\x00\x01", 2));
  ASSERT_EQ(s.entry.message_system_attributes.size(), 1u);
  EXPECT_EQ(s.entry.message_system_attributes[0].string_value, "Root=1");

  c = api::parse(form(
      "Action=CreateQueue&Version=2012-11-05&QueueName=q&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=30&"
      "Tag.1.Key=a&Tag.1.Value=b"));
  ASSERT_TRUE(c.ok());
  const auto& cq = std::get<api::create_queue_request>(c->input);
  EXPECT_EQ(cq.attributes, (api::string_map{{"VisibilityTimeout", "30"}}));
  EXPECT_EQ(cq.tags, (api::string_map{{"a", "b"}}));

  c = api::parse(form(
      "Action=SendMessageBatch&Version=2012-11-05&QueueUrl=q&SendMessageBatchRequestEntry.1.Id=a&"
      "SendMessageBatchRequestEntry.1.MessageBody=x&SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=s&"
      "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=String&"
      "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=v&"
      "SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=y"));
  ASSERT_TRUE(c.ok());
  const auto& b = std::get<api::send_message_batch_request>(c->input);
  ASSERT_EQ(b.entries.size(), 2u);
  EXPECT_EQ(b.entries[0].id, "a");
  EXPECT_EQ(b.entries[0].message_attributes[0].string_value, "v");
  EXPECT_EQ(b.entries[1].message_body, "y");

  c = api::parse(form(
      "Action=ChangeMessageVisibilityBatch&Version=2012-11-05&QueueUrl=q&"
      "ChangeMessageVisibilityBatchRequestEntry.1.Id=a&ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle=r1&"
      "ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout=5"));
  ASSERT_TRUE(c.ok());
  const auto& v = std::get<api::change_message_visibility_batch_request>(c->input);
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_EQ(v.entries[0].visibility_timeout, 5);

  c = api::parse(form("Action=UntagQueue&Version=2012-11-05&QueueUrl=q&TagKey.1=a&TagKey.2=b"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(std::get<api::untag_queue_request>(c->input).tag_keys, (std::vector<std::string>{"a", "b"}));
}

TEST(SqsParse, QueryOnQueueUrlPathNamesTheQueue) {
  core::request r;
  r.method = "GET";
  core::parse_target("/000000000000/q?Action=GetQueueAttributes&AttributeName.1=All", r);
  auto c = api::parse(r);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(std::get<api::get_queue_attributes_request>(c->input).queue_url, "/000000000000/q");
}

TEST(SqsParse, JsonBodiesFromBoto143) {
  auto c = api::parse(json("SendMessage",
                           R"({"QueueUrl": "http://localhost:4566/000000000000/q", "MessageBody": "hi", )"
                           R"("MessageAttributes": {"n": {"DataType": "Binary", "BinaryValue": "AAE="}, )"
                           R"("s": {"DataType": "Number", "StringValue": "42"}}, "DelaySeconds": 3})"));
  ASSERT_TRUE(c.ok()) << c.err().message;
  const auto& s = std::get<api::send_message_request>(c->input);
  EXPECT_EQ(s.entry.delay_seconds, 3);
  ASSERT_EQ(s.entry.message_attributes.size(), 2u);
  EXPECT_EQ(s.entry.message_attributes[0].binary_value, std::string("\x00\x01", 2));
  EXPECT_EQ(s.entry.message_attributes[1].string_value, "42");

  c = api::parse(json("ReceiveMessage",
                      R"({"QueueUrl": "q", "MessageSystemAttributeNames": ["All"], "MessageAttributeNames": ["All"], )"
                      R"("MaxNumberOfMessages": 10, "WaitTimeSeconds": 20})"));
  ASSERT_TRUE(c.ok());
  const auto& rr = std::get<api::receive_message_request>(c->input);
  EXPECT_EQ(rr.attribute_names, std::vector<std::string>{"All"});
  EXPECT_EQ(rr.max_number_of_messages, 10);
  EXPECT_EQ(rr.wait_time_seconds, 20);

  c = api::parse(json("CreateQueue", R"({"QueueName": "q", "Attributes": {"VisibilityTimeout": "30"}, "tags": {"a": "b"}})"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(std::get<api::create_queue_request>(c->input).tags, (api::string_map{{"a", "b"}}));
}

TEST(SqsParse, Errors) {
  auto e = api::parse(json("Frobnicate", "{}"));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.code(), make_error_code(errc::invalid_action));
  e = api::parse(json("SendMessage", "{not json"));
  EXPECT_EQ(e.code(), make_error_code(errc::malformed_request));
  e = api::parse(json("ReceiveMessage", R"({"QueueUrl": "q", "MaxNumberOfMessages": "ten"})"));
  EXPECT_EQ(e.code(), make_error_code(errc::invalid_parameter_value));
  e = api::parse(json("ReceiveMessage", R"({"QueueUrl": "q", "AttributeNames": "All"})"));
  EXPECT_EQ(e.code(), make_error_code(errc::invalid_parameter_value));
  e = api::parse(json("DeleteMessage", R"({"QueueUrl": "q"})"));
  EXPECT_EQ(e.code(), make_error_code(errc::missing_parameter));
  EXPECT_EQ(e.err().message, "The request must contain the parameter ReceiptHandle.");
  e = api::parse(form("Action=Nope&Version=2012-11-05"));
  EXPECT_EQ(e.code(), make_error_code(errc::invalid_action));
  e = api::parse(form("Action=GetQueueUrl&Version=2012-11-05"));
  EXPECT_EQ(e.code(), make_error_code(errc::missing_parameter));
}

// Sizes and depth before content (issue 14): each bound refuses with a 4xx before any parser runs.
TEST(SqsParse, BoundsBeforeContent) {
  auto deep = api::parse(json("SendMessage", R"({"QueueUrl":)" + std::string(100000, '[') + std::string(100000, ']') + "}"));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.code(), make_error_code(errc::malformed_request));
  EXPECT_EQ(deep.err().message, "The request body nests deeper than 16 levels.");
  // Brackets inside strings are text.
  auto text = api::parse(json("SendMessage", R"({"QueueUrl":"q","MessageBody":")" + std::string(100, '[') + R"("})"));
  ASSERT_TRUE(text.ok()) << text.err().message;
  EXPECT_EQ(std::get<api::send_message_request>(text->input).entry.message_body, std::string(100, '['));

  auto bad_utf8 = api::parse(json("SendMessage", "{\"QueueUrl\":\"q\",\"MessageBody\":\"\xff\"}"));
  EXPECT_EQ(bad_utf8.code(), make_error_code(errc::malformed_request));

  std::string many = "Action=SendMessage&Version=2012-11-05&QueueUrl=q&MessageBody=x";
  for (int i = 0; i < 5000; ++i) many += "&p" + std::to_string(i) + "=v";
  auto params = api::parse(form(many));
  ASSERT_FALSE(params.ok());
  EXPECT_EQ(params.code(), make_error_code(errc::malformed_request));
  EXPECT_EQ(params.err().message, "The request has more than 4096 parameters.");

  auto huge = json("SendMessage", "{}");
  huge.body_size = api::max_request_bytes + 1;  // as the edge reports a spilled body
  auto refused = api::parse(huge);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), make_error_code(errc::invalid_parameter_value));
  EXPECT_EQ(refused.err().message, "The request body is longer than 16777216 bytes.");
}

TEST(SqsParse, JsonDepthScan) {
  EXPECT_TRUE(api::json_depth_within("", 0));
  EXPECT_TRUE(api::json_depth_within(R"({"a":[1,{"b":2}]})", 3));
  EXPECT_FALSE(api::json_depth_within(R"({"a":[1,{"b":2}]})", 2));
  EXPECT_TRUE(api::json_depth_within(R"({"a":"[[[[\"[[["})", 1));
  EXPECT_TRUE(api::json_depth_within(R"(]]]]{})", 1));
}

// Replies echo client values; XML cannot carry every byte, so what it cannot carry becomes U+FFFD.
TEST(SqsRender, XmlEscapeKeepsDocumentsWellFormed) {
  EXPECT_EQ(api::xml_escape("a<b>&\"'\r\n\t"), "a&lt;b&gt;&amp;&quot;&apos;&#xD;\n\t");
  EXPECT_EQ(api::xml_escape("\xE2\x82\xAC \xF0\x9F\x98\x80"), "\xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(api::xml_escape(std::string("a\0b", 3)), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(api::xml_escape("\x01\x1f"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(api::xml_escape("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(api::xml_escape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");          // overlong
  EXPECT_EQ(api::xml_escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(api::xml_escape("\xEF\xBF\xBE"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // U+FFFE
  EXPECT_EQ(api::xml_escape("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // truncated
}

TEST(SqsRender, QueryXmlShapes) {
  api::receive_result r;
  api::received_message m;
  m.message_id = "id-1";
  m.receipt_handle = "rh";
  m.md5_of_body = "md5";
  m.body = "a<b & \"c\"\r";
  m.attributes = {{"SenderId", "000000000000"}};
  m.message_attributes = {attr("n", "Number", "1"), attr("b", "Binary", "\x01")};
  m.md5_of_message_attributes = "mma";
  r.messages.push_back(m);
  auto resp = api::render(api::protocol::query, api::op::receive_message, r, "req-1");
  EXPECT_EQ(resp.status, 200u);
  EXPECT_EQ(resp.headers.value_or("content-type", ""), "text/xml");
  EXPECT_EQ(resp.body,
            "<?xml version=\"1.0\"?><ReceiveMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            "<ReceiveMessageResult><Message><MessageId>id-1</MessageId><ReceiptHandle>rh</ReceiptHandle>"
            "<MD5OfBody>md5</MD5OfBody><Body>a&lt;b &amp; &quot;c&quot;&#xD;</Body>"
            "<Attribute><Name>SenderId</Name><Value>000000000000</Value></Attribute>"
            "<MD5OfMessageAttributes>mma</MD5OfMessageAttributes>"
            "<MessageAttribute><Name>n</Name><Value><StringValue>1</StringValue><DataType>Number</DataType></Value>"
            "</MessageAttribute><MessageAttribute><Name>b</Name><Value><BinaryValue>AQ==</BinaryValue>"
            "<DataType>Binary</DataType></Value></MessageAttribute></Message></ReceiveMessageResult>"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></ReceiveMessageResponse>");

  auto empty = api::render(api::protocol::query, api::op::delete_message, api::empty_result{}, "r");
  EXPECT_EQ(empty.body,
            "<?xml version=\"1.0\"?><DeleteMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteMessageResponse>");

  api::id_batch_result b{{"a"}, {{"b", true, "ReceiptHandleIsInvalid", "bad"}}};
  auto batch = api::render(api::protocol::query, api::op::delete_message_batch, b, "r");
  EXPECT_NE(batch.body.find("<DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry>"
                            "<BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault>"
                            "<Code>ReceiptHandleIsInvalid</Code><Message>bad</Message></BatchResultErrorEntry>"),
            std::string::npos)
      << batch.body;
}

TEST(SqsRender, JsonShapes) {
  api::send_batch_result r;
  r.successful.push_back({"e1", "mid", "md5", "", "", "00000000000000000001"});
  auto resp = api::render(api::protocol::json, api::op::send_message_batch, r, "req");
  EXPECT_EQ(resp.headers.value_or("content-type", ""), "application/x-amz-json-1.0");
  EXPECT_EQ(resp.headers.value_or("x-amzn-requestid", ""), "req");
  EXPECT_EQ(resp.body,
            R"({"Successful":[{"Id":"e1","MessageId":"mid","MD5OfMessageBody":"md5","SequenceNumber":"00000000000000000001"}],"Failed":[]})");
  auto empty = api::render(api::protocol::json, api::op::receive_message, api::receive_result{}, "req");
  EXPECT_EQ(empty.body, "{}");
}

TEST(SqsRender, ErrorsInBothProtocols) {
  auto e = make_error(errc::queue_does_not_exist, "The specified queue does not exist.");
  auto j = api::render_error(api::protocol::json, e, "rid");
  EXPECT_EQ(j.status, 400u);
  EXPECT_EQ(j.headers.value_or("x-amzn-query-error", ""), "AWS.SimpleQueueService.NonExistentQueue;Sender");
  EXPECT_EQ(j.body, R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."})");
  auto x = api::render_error(api::protocol::query, e, "rid");
  EXPECT_EQ(x.status, 400u);
  EXPECT_EQ(x.body,
            "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error>"
            "<Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code>"
            "<Message>The specified queue does not exist.</Message><Detail/></Error><RequestId>rid</RequestId>"
            "</ErrorResponse>");
  // Errors from outside the sqs category render as 500 InternalError, a Receiver fault.
  auto internal = api::render_error(api::protocol::json, hayloft::error{std::make_error_code(std::errc::io_error), "disk"},
                                    "rid");
  EXPECT_EQ(internal.status, 500u);
  EXPECT_EQ(internal.headers.value_or("x-amzn-query-error", ""), "InternalError;Receiver");
  // Errors raised by the edge keep their code.
  auto edge = api::render_error(api::protocol::query, core::aws_error{403, "InvalidClientTokenId", "bad key"}, "rid");
  EXPECT_EQ(edge.status, 403u);
  EXPECT_NE(edge.body.find("<Code>InvalidClientTokenId</Code>"), std::string::npos);
}

// Every errc has a wire entry with both spellings; the table and the enum stay in step.
TEST(SqsErrors, TableCoversEveryCode) {
  struct row {
    errc e;
    unsigned status;
    const char* type;
    const char* code;
  };
  const row rows[] = {
      {errc::queue_does_not_exist, 400, "com.amazonaws.sqs#QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"},
      {errc::queue_name_exists, 400, "com.amazonaws.sqs#QueueNameExists", "QueueAlreadyExists"},
      {errc::queue_deleted_recently, 400, "com.amazonaws.sqs#QueueDeletedRecently",
       "AWS.SimpleQueueService.QueueDeletedRecently"},
      {errc::purge_queue_in_progress, 403, "com.amazonaws.sqs#PurgeQueueInProgress",
       "AWS.SimpleQueueService.PurgeQueueInProgress"},
      {errc::batch_entry_ids_not_distinct, 400, "com.amazonaws.sqs#BatchEntryIdsNotDistinct",
       "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"},
      {errc::batch_request_too_long, 400, "com.amazonaws.sqs#BatchRequestTooLong",
       "AWS.SimpleQueueService.BatchRequestTooLong"},
      {errc::empty_batch_request, 400, "com.amazonaws.sqs#EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest"},
      {errc::invalid_batch_entry_id, 400, "com.amazonaws.sqs#InvalidBatchEntryId",
       "AWS.SimpleQueueService.InvalidBatchEntryId"},
      {errc::too_many_entries_in_batch_request, 400, "com.amazonaws.sqs#TooManyEntriesInBatchRequest",
       "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"},
      {errc::invalid_attribute_name, 400, "com.amazonaws.sqs#InvalidAttributeName", "InvalidAttributeName"},
      {errc::invalid_attribute_value, 400, "com.amazonaws.sqs#InvalidAttributeValue", "InvalidAttributeValue"},
      {errc::invalid_message_contents, 400, "com.amazonaws.sqs#InvalidMessageContents", "InvalidMessageContents"},
      {errc::message_not_inflight, 400, "com.amazonaws.sqs#MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight"},
      {errc::over_limit, 403, "com.amazonaws.sqs#OverLimit", "OverLimit"},
      {errc::receipt_handle_is_invalid, 400, "com.amazonaws.sqs#ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid"},
      {errc::resource_not_found, 404, "com.amazonaws.sqs#ResourceNotFoundException", "ResourceNotFoundException"},
      {errc::invalid_parameter_value, 400, "com.amazonaws.sqs#InvalidParameterValue", "InvalidParameterValue"},
      {errc::missing_parameter, 400, "com.amazonaws.sqs#MissingParameter", "MissingParameter"},
      {errc::invalid_action, 400, "com.amazon.coral.service#UnknownOperationException", "InvalidAction"},
      {errc::malformed_request, 400, "com.amazon.coral.service#SerializationException", "MalformedQueryString"},
      {errc::internal_error, 500, "com.amazonaws.sqs#InternalError", "InternalError"},
      {errc::service_unavailable, 503, "com.amazonaws.sqs#ServiceUnavailable", "ServiceUnavailable"},
  };
  EXPECT_EQ(std::size(rows), static_cast<std::size_t>(errc::service_unavailable));
  for (const auto& r : rows) {
    const auto& w = wire(make_error_code(r.e));
    EXPECT_EQ(w.status, r.status) << r.code;
    EXPECT_EQ(w.json_type, r.type);
    EXPECT_EQ(w.query_code, r.code);
  }
  EXPECT_EQ(make_error_code(errc::queue_does_not_exist).message(), "QueueDoesNotExist");
}

}  // namespace
}  // namespace hayloft::sqs
