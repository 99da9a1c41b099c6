#pragma once
// The small bucket configuration documents S3 stores whole: OwnershipControls,
// PublicAccessBlockConfiguration. Each parser validates as S3 does (MalformedXML for anything
// that is not the document or holds a value outside its enumeration) and each renderer writes the
// canonical form that is stored and returned. Pure; any thread. Documents go through parse_xml
// (bounded, no DTD); the caller bounds the byte size.
#include <string>
#include <string_view>

#include "emulator/core/result.h"

namespace hayloft::s3 {

// ObjectOwnership: BucketOwnerEnforced (the default of new buckets since April 2023),
// BucketOwnerPreferred or ObjectWriter. Exactly one Rule.
bool valid_object_ownership(std::string_view v);
result<std::string> parse_ownership_controls(std::string_view body);
std::string render_ownership_controls(std::string_view ownership);

struct public_access_block {
  bool block_public_acls = false;
  bool ignore_public_acls = false;
  bool block_public_policy = false;
  bool restrict_public_buckets = false;
};
// Each element optional (false when absent), "true" or "false".
result<public_access_block> parse_public_access_block(std::string_view body);
std::string render_public_access_block(const public_access_block& p);
// What new buckets get: all four on, as AWS does since April 2023.
inline public_access_block blocking_public_access_block() { return {true, true, true, true}; }

}  // namespace hayloft::s3
