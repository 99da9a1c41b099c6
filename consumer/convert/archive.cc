#include "consumer/convert/archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "consumer/convert/errc.h"
#include "consumer/convert/utf8.h"

namespace hayloft::consumer {
namespace {

struct archive_closer {
  void operator()(archive* a) const { archive_read_free(a); }
};

error corrupt(archive* a, std::string_view label, std::string_view what) {
  std::string msg = "corrupt archive";
  if (!label.empty()) msg += " '" + std::string(label) + "'";
  msg += ": ";
  msg += what;
  if (const char* why = archive_error_string(a)) {
    msg += ": ";
    msg += why;
  }
  return {make_error_code(convert_errc::corrupt_archive), msg};
}

std::string_view basename(std::string_view name) {
  auto slash = name.find_last_of("/\\");
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

// "notes.txt.gz" -> "notes.txt"; the name a single compressed file's content is classified by.
std::string strip_compression_suffix(std::string_view name) {
  std::string base(basename(name));
  std::string low = base;
  std::transform(low.begin(), low.end(), low.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view suffix : {".gz", ".bz2", ".xz"}) {
    if (low.size() > suffix.size() && low.ends_with(suffix)) {
      return base.substr(0, base.size() - suffix.size());
    }
  }
  return base;
}

const char* kind_of(mode_t type) {
  switch (type) {
    case AE_IFLNK:
      return "symbolic link";
    case AE_IFCHR:
      return "character device";
    case AE_IFBLK:
      return "block device";
    case AE_IFIFO:
      return "fifo";
    case AE_IFSOCK:
      return "socket";
    default:
      return "special file";
  }
}

class limiter {
 public:
  limiter(unpack_budget& budget, std::uint64_t packed_size)
      : budget_(budget), limits_(budget.limits) {
    double bound = limits_.max_compression_ratio * static_cast<double>(packed_size);
    ratio_bound_ = std::max<double>(bound, static_cast<double>(limits_.ratio_floor_bytes));
    packed_ = packed_size;
  }

  // Before inflating: what the member says it holds.
  result<void> declared(const std::string& label, std::uint64_t size) {
    if (size > limits_.max_member_bytes) {
      return too_large("member '" + label + "' declares " + std::to_string(size) +
                       " bytes, limit is " + std::to_string(limits_.max_member_bytes));
    }
    if (budget_.unpacked + size > limits_.max_unpacked_bytes) {
      return too_large("members declare more than " + std::to_string(limits_.max_unpacked_bytes) +
                       " unpacked bytes in total");
    }
    declared_ += size;
    if (static_cast<double>(declared_) > ratio_bound_) {
      return ratio("members declare " + std::to_string(declared_) + " bytes from " +
                   std::to_string(packed_) + " packed bytes");
    }
    return {};
  }

  // While inflating: `member_so_far` bytes of this member plus `n` more.
  result<void> produced(const std::string& label, std::uint64_t member_so_far, std::uint64_t n) {
    if (member_so_far + n > limits_.max_member_bytes) {
      return too_large("member '" + label + "' unpacks to more than " +
                       std::to_string(limits_.max_member_bytes) + " bytes");
    }
    if (budget_.unpacked + n > limits_.max_unpacked_bytes) {
      return too_large("archive unpacks to more than " +
                       std::to_string(limits_.max_unpacked_bytes) + " bytes in total");
    }
    if (static_cast<double>(produced_ + n) > ratio_bound_) {
      return ratio("unpacked " + std::to_string(produced_ + n) + " bytes from " +
                   std::to_string(packed_) + " packed bytes");
    }
    produced_ += n;
    budget_.unpacked += n;
    return {};
  }

 private:
  error too_large(std::string why) const {
    return {make_error_code(convert_errc::archive_too_large), "archive too large: " + why};
  }
  error ratio(std::string why) const {
    return {make_error_code(convert_errc::compression_ratio),
            "compression ratio over " +
                std::to_string(static_cast<long long>(limits_.max_compression_ratio)) +
                " (zip bomb?): " + why};
  }

  unpack_budget& budget_;
  const convert_limits& limits_;
  double ratio_bound_ = 0;
  std::uint64_t packed_ = 0;
  std::uint64_t declared_ = 0;
  std::uint64_t produced_ = 0;
};

}  // namespace

std::string member_label(std::string_view parent, std::string_view raw_name) {
  std::string out(parent);
  std::string_view rest = raw_name;
  bool any = false;
  while (!rest.empty()) {
    auto sep = rest.find_first_of("/\\");
    auto part = rest.substr(0, sep);
    rest = sep == std::string_view::npos ? std::string_view() : rest.substr(sep + 1);
    if (part.empty() || part == "." || part == "..") continue;
    if (!out.empty()) out += '/';
    out += sanitize_utf8(part);
    any = true;
  }
  if (!any) {
    if (!out.empty()) out += '/';
    out += "(unnamed)";
  }
  return out;
}

result<void> read_archive(std::string_view name, std::string_view label, std::string_view bytes,
                          unpack_budget& budget, std::vector<skipped_member>& skipped,
                          const member_visitor& visit) {
  std::unique_ptr<archive, archive_closer> holder(archive_read_new());
  archive* a = holder.get();
  if (!a) return error{make_error_code(convert_errc::corrupt_archive), "libarchive: out of memory"};
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_bzip2(a);
  archive_read_support_filter_xz(a);
  archive_read_support_format_zip(a);
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  // Raw (a single compressed file) is only an answer for compressed input: plain bytes would
  // otherwise "open" as a raw archive.
  const bool compressed_input = bytes.starts_with(std::string_view("\x1f\x8b", 2)) ||
                                bytes.starts_with("BZh") ||
                                bytes.starts_with(std::string_view("\xfd"
                                                                   "7zXZ\0",
                                                                   6));
  if (compressed_input) archive_read_support_format_raw(a);

  if (archive_read_open_memory(a, bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return corrupt(a, label, "cannot open");
  }
  limiter limit(budget, bytes.size());
  std::vector<char> buffer(64 * 1024);

  for (;;) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a, &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) return corrupt(a, label, "bad member header");
    if (++budget.members > budget.limits.max_members) {
      return error{
          make_error_code(convert_errc::archive_too_large),
          "archive too large: more than " + std::to_string(budget.limits.max_members) + " members"};
    }
    const bool raw = archive_format(a) == ARCHIVE_FORMAT_RAW;
    std::string member_name;
    if (raw) {
      member_name = strip_compression_suffix(name);
    } else {
      const char* p = archive_entry_pathname_utf8(entry);
      if (!p) p = archive_entry_pathname(entry);
      member_name = p ? p : "";
    }
    std::string member = member_label(label, member_name);

    const mode_t type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) continue;
    if (type != AE_IFREG) {
      skipped.push_back({member, make_error_code(convert_errc::unsupported_type),
                         std::string("not a regular file (") + kind_of(type) + ")"});
      continue;
    }
    if (archive_entry_hardlink(entry)) {
      skipped.push_back({member, make_error_code(convert_errc::unsupported_type),
                         "hard link to '" + member_label("", archive_entry_hardlink(entry)) + "'"});
      continue;
    }
    if (archive_entry_is_encrypted(entry)) {
      skipped.push_back(
          {member, make_error_code(convert_errc::corrupt_archive), "encrypted member"});
      continue;
    }
    std::uint64_t declared = 0;
    if (!raw && archive_entry_size_is_set(entry) && archive_entry_size(entry) > 0) {
      declared = static_cast<std::uint64_t>(archive_entry_size(entry));
      HAYLOFT_TRY(limit.declared(member, declared));
    }

    std::string data;
    data.reserve(static_cast<size_t>(std::min<std::uint64_t>(declared, 16u << 20)));
    bool unreadable = false;
    for (;;) {
      la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
      if (n == 0) break;
      if (n < 0) {
        if (n == ARCHIVE_FATAL) return corrupt(a, label, "damaged data in '" + member + "'");
        unreadable = true;
        skipped.push_back({member, make_error_code(convert_errc::corrupt_archive),
                           std::string("unreadable member: ") +
                               (archive_error_string(a) ? archive_error_string(a) : "error")});
        break;
      }
      HAYLOFT_TRY(limit.produced(member, data.size(), static_cast<std::uint64_t>(n)));
      data.append(buffer.data(), static_cast<size_t>(n));
    }
    if (unreadable) continue;
    auto slash = member.find_last_of('/');
    std::string classify_name = slash == std::string::npos ? member : member.substr(slash + 1);
    HAYLOFT_TRY(visit(member, classify_name, std::move(data)));
  }
  return {};
}

}  // namespace hayloft::consumer
