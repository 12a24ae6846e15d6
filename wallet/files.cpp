#include "wallet/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

namespace priora::wallet {
namespace {

constexpr std::size_t read_chunk_bytes = 64 * 1024;

Error io_error(const std::filesystem::path& path, std::string_view what) {
  return make_error(ErrorKind::io, std::string(what) + " " + path.string() + ": " +
                                       std::strerror(errno));
}

Status write_all(int descriptor, std::string_view text, const std::filesystem::path& path) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t count = ::write(descriptor, text.data() + written, text.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return io_error(path, "cannot write");
    written += static_cast<std::size_t>(count);
  }
  if (::fsync(descriptor) != 0) return io_error(path, "cannot sync");
  return Status::success();
}

std::filesystem::path temporary_beside(const std::filesystem::path& path) {
  std::random_device device;
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on "." + std::string.
  std::string name(1, '.');
  name.append(path.filename().string());
  name.append(".tmp-");
  name.append(std::to_string(::getpid()));
  name.append("-");
  name.append(std::to_string(device()));
  return path.parent_path() / name;
}

void sync_folder(const std::filesystem::path& folder) {
  const int descriptor = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (descriptor < 0) return;
  (void)::fsync(descriptor);
  ::close(descriptor);
}

}  // namespace

Result<std::string> read_file(const std::filesystem::path& path, std::uintmax_t bytes_max) {
  std::error_code error;
  if (!std::filesystem::exists(path, error))
    return make_error(ErrorKind::not_found, "no such file: " + path.string());
  const auto size = std::filesystem::file_size(path, error);
  if (error) return make_error(ErrorKind::io, "cannot read " + path.string() + ": " + error.message());
  if (size > bytes_max)
    return make_error(ErrorKind::too_large, path.string() + " is larger than " +
                                                std::to_string(bytes_max) + " bytes");
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return io_error(path, "cannot open");
  std::string text(static_cast<std::size_t>(size), '\0');
  stream.read(text.data(), static_cast<std::streamsize>(size));
  if (!stream) return io_error(path, "cannot read");
  return text;
}

Status write_private_file(const std::filesystem::path& path, std::string_view text,
                          ExistingFile existing) {
  const auto temporary = temporary_beside(path);
  const int descriptor = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (descriptor < 0) return io_error(temporary, "cannot create");
  Status written = write_all(descriptor, text, temporary);
  ::close(descriptor);
  if (!written.ok()) {
    ::unlink(temporary.c_str());
    return written;
  }
  // link() fails when the target exists, so a file is never replaced by accident.
  const int placed = existing == ExistingFile::refuse ? ::link(temporary.c_str(), path.c_str())
                                                      : ::rename(temporary.c_str(), path.c_str());
  const int placed_errno = errno;
  if (existing == ExistingFile::refuse) ::unlink(temporary.c_str());
  if (placed != 0) {
    if (existing == ExistingFile::replace) ::unlink(temporary.c_str());
    if (placed_errno == EEXIST)
      return make_error(ErrorKind::conflict, path.string() + " exists already");
    errno = placed_errno;
    return io_error(path, "cannot write");
  }
  sync_folder(path.parent_path());
  return Status::success();
}

Status ensure_private_folder(const std::filesystem::path& folder) {
  std::error_code error;
  if (std::filesystem::is_directory(folder, error)) return Status::success();
  std::filesystem::create_directories(folder, error);
  if (error)
    return make_error(ErrorKind::io, "cannot create " + folder.string() + ": " + error.message());
  std::filesystem::permissions(folder, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, error);
  if (error)
    return make_error(ErrorKind::io, "cannot set the mode of " + folder.string() + ": " +
                                         error.message());
  return Status::success();
}

Result<Hash> sha256_of_file(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    if (!std::filesystem::exists(path))
      return make_error(ErrorKind::not_found, "no such file: " + path.string());
    return io_error(path, "cannot open");
  }
  Sha256 hasher;
  std::array<char, read_chunk_bytes> buffer{};
  while (stream) {
    stream.read(buffer.data(), buffer.size());
    const auto count = static_cast<std::size_t>(stream.gcount());
    if (count > 0) hasher.update(std::string_view(buffer.data(), count));
  }
  if (stream.bad()) return io_error(path, "cannot read");
  return hasher.finish();
}

}  // namespace priora::wallet
