#pragma once
// The scraper's fetch over emulator/http's blocking client: GET the URL with
// "Accept: text/plain;version=0.0.4", the timeout applied to every step, a 16 MiB body limit;
// a non-2xx status is an error. Clients are cached per scheme://host:port so connections are
// kept alive between scrapes. The returned function is thread-safe.
#include "emulator/prom/scraper.h"

namespace hayloft::prom {

fetch_function make_http_fetch();

}  // namespace hayloft::prom
