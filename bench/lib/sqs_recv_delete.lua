-- wrk script: ReceiveMessage (MaxNumberOfMessages=MAX), then DeleteMessage (or one
-- DeleteMessageBatch when MAX > 1) for what came back; counts messages consumed.
local url = os.getenv("BENCH_QUEUE_URL")
local max = tonumber(os.getenv("BENCH_MAX") or "1")
local pending = {}
local auth = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0"
local function call(target, body)
  return wrk.format("POST", "/", {["Content-Type"] = "application/x-amz-json-1.0", ["X-Amz-Target"] = "AmazonSQS." .. target,
                                  ["Authorization"] = auth}, body)
end
function request()
  if #pending > 0 then
    local handles = pending
    pending = {}
    if #handles == 1 then
      return call("DeleteMessage", '{"QueueUrl":"' .. url .. '","ReceiptHandle":"' .. handles[1] .. '"}')
    end
    local entries = {}
    for i, h in ipairs(handles) do entries[i] = '{"Id":"d' .. i .. '","ReceiptHandle":"' .. h .. '"}' end
    return call("DeleteMessageBatch", '{"QueueUrl":"' .. url .. '","Entries":[' .. table.concat(entries, ",") .. ']}')
  end
  return call("ReceiveMessage", '{"QueueUrl":"' .. url .. '","MaxNumberOfMessages":' .. max .. '}')
end
function response(status, headers, body)
  for h in string.gmatch(body, '"ReceiptHandle"%s*:%s*"([^"]+)"') do
    table.insert(pending, h)
  end
end
