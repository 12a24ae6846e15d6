// POSIX file helpers; see files.h.
#include "ledger/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace priora::files {

Error error(std::string_view owner, const std::filesystem::path& path, std::string_view what,
            int code) {
  return make_error(code == ENOSPC ? ErrorKind::disk_full : ErrorKind::io,
                    std::string(owner) + ": " + std::string(what) + " " + path.string() + ": " +
                        std::strerror(code));
}

Status write_at(std::string_view owner, int descriptor, const std::filesystem::path& path,
                std::uint64_t offset, ByteView bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t wrote = ::pwrite(descriptor, bytes.data() + done, bytes.size() - done,
                                   static_cast<off_t>(offset + done));
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return error(owner, path, "cannot write", wrote < 0 ? errno : EIO);
    done += static_cast<std::size_t>(wrote);
  }
  return {};
}

Result<Bytes> read_at(std::string_view owner, int descriptor, const std::filesystem::path& path,
                      std::uint64_t offset, std::size_t length) {
  Bytes bytes(length);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t got = ::pread(descriptor, bytes.data() + done, bytes.size() - done,
                                static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return error(owner, path, "cannot read", errno);
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  bytes.resize(done);
  return bytes;
}

Result<Bytes> read_whole(std::string_view owner, int descriptor,
                         const std::filesystem::path& path) {
  const off_t size = ::lseek(descriptor, 0, SEEK_END);
  if (size < 0) return error(owner, path, "cannot size", errno);
  return read_at(owner, descriptor, path, 0, static_cast<std::size_t>(size));
}

Status flush_data(std::string_view owner, int descriptor, const std::filesystem::path& path) {
  if (::fdatasync(descriptor) != 0) return error(owner, path, "cannot flush", errno);
  return {};
}

Status flush_folder(std::string_view owner, const std::filesystem::path& folder) {
  const int descriptor = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (descriptor < 0) return error(owner, folder, "cannot open folder", errno);
  const int code = ::fsync(descriptor) == 0 ? 0 : errno;
  ::close(descriptor);
  if (code != 0) return error(owner, folder, "cannot flush folder", code);
  return {};
}

}  // namespace priora::files
