// File helpers of the genesis module: bounded reads and atomic writes with an explicit mode.
// Internal to genesis/; tests may include it. Callable from any thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "ledger/bytes.h"
#include "ledger/result.h"

namespace priora::genesis::internal {

// Reads a whole file, refusing one larger than `bytes_max`.
Result<std::string> read_file(const std::filesystem::path& path, std::uintmax_t bytes_max);

// Writes `content` to a temporary file created with `mode` (not widened by the umask), fsyncs it
// and renames it over `path`, so a reader sees the old file or the new one, never a mix.
Status write_file_atomically(const std::filesystem::path& path, std::string_view content,
                             mode_t mode);

// Creates the folder (and parents) if missing and sets its mode exactly.
Status make_directory(const std::filesystem::path& path, mode_t mode);

}  // namespace priora::genesis::internal
