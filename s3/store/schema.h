#pragma once
// The S3 tables in state.db (module "s3"): buckets, objects, multipart uploads and parts.
// Object keys are BLOBs so that any byte sequence (NUL included) is a key and ordering is the
// byte order S3 lists in.
#include "emulator/store/sqlite.h"

namespace hayloft::s3 {

const hayloft::store::migration_set& schema();

}  // namespace hayloft::s3
