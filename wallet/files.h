// Small file helpers of the wallet: bounded reads, private writes, streaming SHA-256.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "ledger/hash.h"
#include "ledger/result.h"

namespace priora::wallet {

// Files the wallet reads whole (offers, bundles, filing specs, genesis files) are at most this big.
inline constexpr std::uintmax_t input_file_bytes_max = 16 * 1024 * 1024;

enum class ExistingFile { refuse, replace };

// The whole file; not_found when it does not exist, too_large over `bytes_max`, io otherwise.
Result<std::string> read_file(const std::filesystem::path& path,
                              std::uintmax_t bytes_max = input_file_bytes_max);
// Writes `text` to `path` with mode 0600, atomically (temporary file, fsync, rename or link).
// With ExistingFile::refuse an existing file is left alone and the result is conflict.
Status write_private_file(const std::filesystem::path& path, std::string_view text,
                          ExistingFile existing = ExistingFile::refuse);
// Creates `folder` (and its parents) with mode 0700 when missing.
Status ensure_private_folder(const std::filesystem::path& folder);
// SHA-256 of a file's bytes, read in pieces so a large document needs little memory.
Result<Hash> sha256_of_file(const std::filesystem::path& path);

}  // namespace priora::wallet
