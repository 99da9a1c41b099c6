-- wrk script: SQS SendMessageBatch (10 entries) over JSON 1.0.
local url = os.getenv("BENCH_QUEUE_URL")
local n = 0
function request()
  local entries = {}
  for i = 1, 10 do
    n = n + 1
    entries[i] = '{"Id":"e' .. i .. '","MessageBody":"batched message ' .. n .. '"}'
  end
  local body = '{"QueueUrl":"' .. url .. '","Entries":[' .. table.concat(entries, ",") .. ']}'
  return wrk.format("POST", "/", {["Content-Type"] = "application/x-amz-json-1.0",
                                  ["X-Amz-Target"] = "AmazonSQS.SendMessageBatch",
                                  ["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0"}, body)
end
