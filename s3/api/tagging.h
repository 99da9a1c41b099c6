#pragma once
// Object and bucket tags: the Tagging document (Put{Object,Bucket}Tagging), the x-amz-tagging
// header (PutObject, CopyObject with REPLACE, CreateMultipartUpload), validation as S3 applies it,
// and the stored form. Pure; any thread. Documents go through parse_xml (bounded, no DTD); the
// caller bounds the byte size (xml_body). Header values are bounded by the edge's header limit.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/core/result.h"

namespace hayloft::s3 {

// Tags in the order given; keys are unique once validated.
using tag_set = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::size_t max_object_tags = 10;
inline constexpr std::size_t max_bucket_tags = 50;
inline constexpr std::size_t max_tag_key_chars = 128;    // Unicode characters
inline constexpr std::size_t max_tag_value_chars = 256;  // Unicode characters

enum class tag_target { object, bucket };

// <Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>. MalformedXML when the document
// is not one (a Tag without Key or Value); then validate_tags.
result<tag_set> parse_tagging(std::string_view body, tag_target target);
// x-amz-tagging: "k1=v1&k2" URL-encoded query form ('+' is a space, a pair without '=' has an
// empty value). InvalidArgument "The header 'x-amz-tagging' shall be encoded as UTF-8 then
// URLEncoded URL query parameters without tag name duplicates." for a bad escape, invalid UTF-8
// or a repeated key; then validate_tags. An empty header is no tags.
result<tag_set> parse_tagging_header(std::string_view header);
// S3's rules: at most 10 object tags (400 BadRequest "Object tags cannot be greater than 10") or
// 50 bucket tags (InvalidTag); keys of 1-128 and values of 0-256 characters from Unicode letters,
// digits, white space and + - = . _ : / @ (InvalidTag "The TagKey/TagValue you have provided is
// invalid"); no repeated key (InvalidTag "Cannot provide multiple Tags with the same key"); no
// key starting with "aws:" (InvalidTag). Code points above U+007F count as letters (hayloft has
// no Unicode tables; S3 refuses symbols among them).
result<void> validate_tags(const tag_set& tags, tag_target target);
std::string render_tagging(const tag_set& tags);

// The stored form (a column of the object or bucket row): the header's encoding, canonical.
std::string encode_tags(const tag_set& tags);
tag_set decode_tags(std::string_view stored);
// Number of tags in a stored form, without decoding (x-amz-tagging-count).
std::size_t stored_tag_count(std::string_view stored);
// Whether every (key, value) of `wanted` is among the stored tags (lifecycle tag filters).
bool has_all_tags(std::string_view stored, const tag_set& wanted);

}  // namespace hayloft::s3
