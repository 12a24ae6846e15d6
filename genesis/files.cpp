#include "genesis/internal/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace priora::genesis::internal {
namespace {

Error io_error(const std::string& what, const std::filesystem::path& path) {
  return make_error(ErrorKind::io, what + " " + path.string() + ": " + std::strerror(errno));
}

Status write_all(int descriptor, std::string_view content, const std::filesystem::path& path) {
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t count = ::write(descriptor, content.data() + written, content.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) {
      if (errno == ENOSPC)
        return make_error(ErrorKind::disk_full, "disk full writing " + path.string());
      return io_error("cannot write", path);
    }
    written += static_cast<std::size_t>(count);
  }
  return Status::success();
}

}  // namespace

Result<std::string> read_file(const std::filesystem::path& path, std::uintmax_t bytes_max) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error)
    return make_error(ErrorKind::not_found,
                      "cannot read " + path.string() + ": " + error.message());
  if (size > bytes_max)
    return make_error(ErrorKind::too_large, path.string() + " is " + std::to_string(size) +
                                                " bytes, over its limit of " +
                                                std::to_string(bytes_max));
  std::ifstream input(path, std::ios::binary);
  if (!input) return make_error(ErrorKind::io, "cannot open " + path.string());
  std::string content(static_cast<std::size_t>(size), '\0');
  input.read(content.data(), static_cast<std::streamsize>(content.size()));
  if (input.gcount() != static_cast<std::streamsize>(content.size()))
    return make_error(ErrorKind::io, "short read of " + path.string());
  return content;
}

Status write_file_atomically(const std::filesystem::path& path, std::string_view content,
                             mode_t mode) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  ::unlink(temporary.c_str());
  const int descriptor =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (descriptor < 0) return io_error("cannot create", temporary);
  // The umask may have narrowed the mode; set it exactly before any byte is written.
  Status status = ::fchmod(descriptor, mode) == 0 ? Status::success()
                                                  : Status(io_error("cannot chmod", temporary));
  if (status.ok()) status = write_all(descriptor, content, temporary);
  if (status.ok() && ::fsync(descriptor) != 0) status = io_error("cannot fsync", temporary);
  ::close(descriptor);
  if (status.ok() && ::rename(temporary.c_str(), path.c_str()) != 0)
    status = io_error("cannot rename onto", path);
  if (!status.ok()) ::unlink(temporary.c_str());
  return status;
}

Status make_directory(const std::filesystem::path& path, mode_t mode) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error)
    return make_error(ErrorKind::io,
                      "cannot create folder " + path.string() + ": " + error.message());
  if (::chmod(path.c_str(), mode) != 0) return io_error("cannot chmod", path);
  return Status::success();
}

}  // namespace priora::genesis::internal
