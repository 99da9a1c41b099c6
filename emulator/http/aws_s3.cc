// The S3 half of aws_client (see aws_client.h).
#include <pugixml.hpp>

#include <fstream>

#include "emulator/core/hash.h"
#include "emulator/core/http_message.h"
#include "emulator/http/aws_client.h"

namespace hayloft::http {
namespace {

// Names that can be a DNS label under s3.<region>.amazonaws.com and match its wildcard
// certificate: no dots, lowercase letters, digits and hyphens, 3 to 63 characters.
bool virtual_host_compatible(const std::string& bucket) {
  if (bucket.size() < 3 || bucket.size() > 63 || bucket.front() == '-' || bucket.back() == '-')
    return false;
  for (char c : bucket)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// SHA-256 of a file range, read in chunks.
result<std::string> sha256_of(const file_range& f) {
  std::ifstream in(f.path, std::ios::binary);
  if (!in)
    return hayloft::error{make_error_code(client_errc::body_unreadable),
                          "cannot open " + f.path.string()};
  in.seekg(static_cast<std::streamoff>(f.offset));
  core::incremental_hash h(core::incremental_hash::kind::sha256);
  std::vector<char> buf(256 * 1024);
  std::uint64_t left = f.length;
  while (left > 0) {
    auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
    in.read(buf.data(), static_cast<std::streamsize>(n));
    if (static_cast<std::size_t>(in.gcount()) != n)
      return hayloft::error{make_error_code(client_errc::body_unreadable),
                            "cannot read " + f.path.string() + " (it changed while being sent?)"};
    h.update(std::string_view(buf.data(), n));
    left -= n;
  }
  return core::to_hex(h.final_raw());
}

// The <Error> of an S3 reply, as "Code: Message (HTTP status)".
hayloft::error s3_error(const client_response& r) {
  std::string code, message;
  pugi::xml_document doc;
  if (!r.body.empty() && doc.load_buffer(r.body.data(), r.body.size())) {
    auto e = doc.child("Error");
    code = e.child_value("Code");
    message = e.child_value("Message");
  }
  if (code.empty()) {
    switch (r.status) {
      case 404:
        code = "NotFound";
        break;
      case 403:
        code = "Forbidden";
        break;
      case 400:
        code = "BadRequest";
        break;
      default:
        code = "HTTP" + std::to_string(r.status);
    }
  }
  if (message.empty())
    message = r.body.empty() ? std::string("no error body") : r.body.substr(0, 200);
  return {make_error_code(aws_errc::service),
          code + ": " + message + " (HTTP " + std::to_string(r.status) + ")"};
}

hayloft::error bad_reply(std::string what) {
  return {make_error_code(aws_errc::bad_response), std::move(what)};
}

}  // namespace

std::pair<std::string, std::string> aws_client::s3_address(const std::string& bucket,
                                                           const std::string& key,
                                                           const std::string& query) const {
  std::string path;
  std::string endpoint = s3_endpoint();
  if (bucket.empty()) {
    path = "/";
  } else if (config_.endpoint.empty() && virtual_host_compatible(bucket)) {
    endpoint = "https://" + bucket + ".s3." + config_.region + "." +
               (config_.region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com");
    path = "/" + core::url_encode(key, true);
  } else {
    path = "/" + bucket;
    if (!key.empty()) path += "/" + core::url_encode(key, true);
  }
  if (!query.empty()) path += "?" + query;
  return {endpoint, path};
}

result<client_response> aws_client::s3_call(const s3_request& in) {
  auto [endpoint, target] = s3_address(in.bucket, in.key, in.query);
  client& c = client_for(endpoint);
  client_request req;
  req.method = in.method;
  req.target = target;
  req.max_response_bytes = in.max_response_bytes;
  req.on_body_progress = in.on_body_progress;
  std::string payload_hash;
  if (in.file) {
    auto h = sha256_of(*in.file);
    if (!h.ok()) return h.err();
    payload_hash = std::move(h).value();
    req.body_file = in.file->path;
    req.body_offset = in.file->offset;
    req.body_length = in.file->length;
  } else {
    req.body = in.body;
    payload_hash = core::sha256_hex(req.body);
  }
  req.headers.emplace_back("Host", c.parts().host_header());
  for (const auto& h : in.headers) req.headers.push_back(h);
  auto q = target.find('?');
  std::string raw_path = c.parts().prefix + target.substr(0, q);
  std::string raw_query = q == std::string::npos ? std::string() : target.substr(q + 1);
  sign_v4(req.method, raw_path, raw_query, req.headers, payload_hash, config_.credentials,
          config_.region, "s3", clock_->now());
  auto r = c.send(req);
  if (!r.ok()) return r.err();
  if (r->status >= 300) return s3_error(*r);
  return r;
}

result<std::string> aws_client::put_object(const std::string& bucket, const std::string& key,
                                           const file_range& body, const std::string& content_type,
                                           std::function<void(std::size_t)> on_progress) {
  s3_request req{.method = "PUT", .bucket = bucket, .key = key};
  if (!content_type.empty()) req.headers.emplace_back("Content-Type", content_type);
  req.file = body;
  req.on_body_progress = std::move(on_progress);
  auto r = s3_call(req);
  if (!r.ok()) return r.err();
  return unquote_etag(r->header("ETag"));
}

result<std::string> aws_client::create_multipart_upload(const std::string& bucket,
                                                        const std::string& key,
                                                        const std::string& content_type) {
  s3_request req{.method = "POST", .bucket = bucket, .key = key, .query = "uploads"};
  if (!content_type.empty()) req.headers.emplace_back("Content-Type", content_type);
  auto r = s3_call(req);
  if (!r.ok()) return r.err();
  pugi::xml_document doc;
  if (!doc.load_buffer(r->body.data(), r->body.size()))
    return bad_reply("CreateMultipartUpload reply is not XML");
  std::string id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
  if (id.empty()) return bad_reply("CreateMultipartUpload reply has no UploadId");
  return id;
}

result<std::string> aws_client::upload_part(const std::string& bucket, const std::string& key,
                                            const std::string& upload_id, int part_number,
                                            const file_range& body,
                                            std::function<void(std::size_t)> on_progress) {
  s3_request req{.method = "PUT",
                 .bucket = bucket,
                 .key = key,
                 .query = "partNumber=" + std::to_string(part_number) +
                          "&uploadId=" + core::url_encode(upload_id)};
  req.file = body;
  req.on_body_progress = std::move(on_progress);
  auto r = s3_call(req);
  if (!r.ok()) return r.err();
  auto etag = r->header("ETag");
  if (etag.empty()) return bad_reply("UploadPart reply has no ETag");
  return etag;
}

result<std::string> aws_client::complete_multipart_upload(
    const std::string& bucket, const std::string& key, const std::string& upload_id,
    const std::vector<completed_part>& parts) {
  std::string xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (const auto& p : parts)
    xml += "<Part><PartNumber>" + std::to_string(p.part_number) + "</PartNumber><ETag>" +
           xml_escape(p.etag) + "</ETag></Part>";
  xml += "</CompleteMultipartUpload>";
  s3_request req{.method = "POST",
                 .bucket = bucket,
                 .key = key,
                 .query = "uploadId=" + core::url_encode(upload_id)};
  req.headers.emplace_back("Content-Type", "application/xml");
  req.body = std::move(xml);
  auto r = s3_call(req);
  if (!r.ok()) return r.err();
  pugi::xml_document doc;
  if (!doc.load_buffer(r->body.data(), r->body.size()))
    return bad_reply("CompleteMultipartUpload reply is not XML");
  // S3 may answer 200 and still fail the completion: the error is then in the body.
  if (doc.child("Error")) return s3_error(client_response{r->status, {}, r->body});
  std::string etag = doc.child("CompleteMultipartUploadResult").child_value("ETag");
  if (etag.empty()) return bad_reply("CompleteMultipartUpload reply has no ETag");
  return unquote_etag(etag);
}

result<void> aws_client::abort_multipart_upload(const std::string& bucket, const std::string& key,
                                                const std::string& upload_id) {
  auto r = s3_call({.method = "DELETE",
                    .bucket = bucket,
                    .key = key,
                    .query = "uploadId=" + core::url_encode(upload_id)});
  if (!r.ok()) return r.err();
  return {};
}

result<s3_object> aws_client::get_object(const std::string& bucket, const std::string& key,
                                         std::uint64_t max_bytes) {
  auto r =
      s3_call({.method = "GET", .bucket = bucket, .key = key, .max_response_bytes = max_bytes});
  if (!r.ok()) return r.err();
  s3_object out;
  out.etag = unquote_etag(r->header("ETag"));
  out.content_type = r->header("Content-Type");
  out.last_modified = r->header("Last-Modified");
  out.bytes = std::move(r->body);
  return out;
}

}  // namespace hayloft::http
