#pragma once
// Reading ZIP and tar (plain, gzip, bzip2, xz) archives, and single gzip/bzip2/xz-compressed
// files, from memory with libarchive. Nothing is ever written to disk: member names are only
// labels. Pure function; callable from any thread (one libarchive reader per call).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "consumer/convert/document.h"
#include "emulator/core/result.h"

namespace hayloft::consumer {

// Shared by an archive and the archives nested in it, so limits hold across all levels.
struct unpack_budget {
  const convert_limits& limits;
  std::uint64_t unpacked = 0;  // bytes produced by all archives so far
  std::uint32_t members = 0;   // entries seen by all archives so far
};

// A member name made safe to show: components split on '/' and '\', with "", "." and ".."
// dropped, invalid UTF-8 replaced, joined with '/' and prefixed by `parent` + '/' if non-empty.
std::string member_label(std::string_view parent, std::string_view raw_name);

// Called for each regular-file member with its label, the name to classify it by, and its bytes.
// An error returned here stops the archive and is returned by read_archive.
using member_visitor =
    std::function<result<void>(const std::string& label, std::string_view name, std::string data)>;

// Opens `bytes` (named `name`, labelled `label` for nested reporting) and visits its regular
// files in archive order. Directories are passed over; links, devices and encrypted members are
// added to `skipped`. A single compressed file (not a tar) is visited once, named after the
// archive without its .gz/.bz2/.xz suffix.
// Limits, checked against the sizes members declare before any data is inflated and again
// while inflating: max_member_bytes, max_unpacked_bytes, max_members (archive_too_large) and
// max_compression_ratio (compression_ratio: bytes produced by this archive over its packed size,
// once more than ratio_floor_bytes were produced). Damage libarchive reports is corrupt_archive.
result<void> read_archive(std::string_view name, std::string_view label, std::string_view bytes,
                          unpack_budget& budget, std::vector<skipped_member>& skipped,
                          const member_visitor& visit);

}  // namespace hayloft::consumer
