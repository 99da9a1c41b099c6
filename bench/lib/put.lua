-- wrk script: PUT 4 KiB objects under unique keys (bucket from the URL path).
local body = string.rep("x", 4096)
local counter = 0
local thread_id = 0
function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end
function request()
  counter = counter + 1
  return wrk.format("PUT", wrk.path .. "obj-" .. tostring(tid) .. "-" .. counter,
                    {["Content-Type"] = "application/octet-stream", ["x-amz-acl"] = "public-read"}, body)
end
