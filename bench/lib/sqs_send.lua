-- wrk script: SQS SendMessage over JSON 1.0 to the queue in $BENCH_QUEUE_URL.
local url = os.getenv("BENCH_QUEUE_URL")
local n = 0
function request()
  n = n + 1
  local body = '{"QueueUrl":"' .. url .. '","MessageBody":"message body number ' .. n .. ' with some padding to be realistic"}'
  return wrk.format("POST", "/", {["Content-Type"] = "application/x-amz-json-1.0",
                                  ["X-Amz-Target"] = "AmazonSQS.SendMessage",
                                  ["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0"}, body)
end
