// POSIX file helpers for the stores that manage their own files (the consensus log, the state
// store's checkpoint record). Errors name the owner ("consensus log"), what failed and the file;
// a full disk is ErrorKind::disk_full.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "ledger/bytes.h"
#include "ledger/result.h"

namespace priora::files {

Error error(std::string_view owner, const std::filesystem::path& path, std::string_view what,
            int code);
// Writes all of `bytes` at `offset` (pwrite, retried until done).
Status write_at(std::string_view owner, int descriptor, const std::filesystem::path& path,
                std::uint64_t offset, ByteView bytes);
// The whole file, from offset 0 to its current end.
Result<Bytes> read_whole(std::string_view owner, int descriptor,
                         const std::filesystem::path& path);
// Up to `length` bytes from `offset`; fewer only at the end of the file.
Result<Bytes> read_at(std::string_view owner, int descriptor, const std::filesystem::path& path,
                      std::uint64_t offset, std::size_t length);
// fdatasync: the file's data, and its size when that changed.
Status flush_data(std::string_view owner, int descriptor, const std::filesystem::path& path);
// Makes a rename or a creation in `folder` durable.
Status flush_folder(std::string_view owner, const std::filesystem::path& folder);

}  // namespace priora::files
