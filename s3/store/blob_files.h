#pragma once
// Object and part bytes as files under <data-dir>/blobs/s3/<id[0:2]>/<id>, named by random ids,
// never by keys. A body is written to a temporary file in blobs/tmp (same filesystem), fsynced
// and renamed into place BEFORE the metadata naming it commits; an old blob is removed only
// AFTER the metadata that dropped it committed. Files no row references (a crash between
// rename and commit, or between commit and removal) are deleted by collect_garbage() at start-up.
// Thread-safe: every method touches only the filesystem.
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "emulator/core/http_message.h"
#include "emulator/core/result.h"

namespace hayloft::s3 {

class blob_files {
 public:
  blob_files(std::filesystem::path dir, std::filesystem::path tmp_dir, bool durable);
  // A fresh temp path in the tmp dir; unlinked when dropped unless committed.
  core::temp_file make_temp() const;
  // Makes tmp durable and moves it into place (copying when it lives on another filesystem).
  result<std::string> commit(core::temp_file tmp) const;
  result<std::string> write(std::string_view bytes) const;
  std::filesystem::path path(std::string_view id) const;
  void remove(std::string_view id) const;
  // The ids of the blob files on disk that are not in `referenced`.
  std::vector<std::string> unreferenced(const std::unordered_set<std::string>& referenced) const;
  // Deletes every blob file whose id is not in `referenced`; returns how many.
  std::size_t collect_garbage(const std::unordered_set<std::string>& referenced) const;
  // Deletes every blob file (reset).
  void remove_all() const;
  const std::filesystem::path& dir() const { return dir_; }
  bool durable() const { return durable_; }

 private:
  std::filesystem::path dir_, tmp_;
  bool durable_;
};

// Copies [offset, offset+length) of `from` to the end of the open file `to_fd` with
// copy_file_range (falling back to read/write). No user-space buffer for the bulk of the data.
result<void> append_file_range(int to_fd, const std::filesystem::path& from, std::uint64_t offset,
                               std::uint64_t length);

}  // namespace hayloft::s3
