#include "mmap.h"

#include <cerrno>
#include <cstring>

#if !defined(_WIN32)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace mmsb::cpu {

namespace {
Status os_fail(Error* err, Status status, int code, const char* fmt, const char* path, unsigned long long size) {
  if (err != nullptr) std::snprintf(err->cause, sizeof err->cause, "%s (errno %d)", std::strerror(code), code);
  return fail(err, status, fmt, path, size);
}
}  // namespace

#if !defined(_WIN32)

Status map_file(const char* path, uint64_t size, bool create, Mapping* out, Error* err) {
  if (size == 0) return fail(err, Status::InvalidArgument, "mapFile: size 0 for %s; expected at least 1 byte", path);
  const int fd = ::open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
  if (fd < 0) {
    return os_fail(err, Status::IoError, errno, "mapFile: cannot open %s for a %llu-byte mapping", path,
                   static_cast<unsigned long long>(size));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    return os_fail(err, Status::IoError, e, "mapFile: cannot stat %s (%llu-byte mapping)", path,
                   static_cast<unsigned long long>(size));
  }
  if (static_cast<uint64_t>(st.st_size) < size) {
    if (!create) {
      ::close(fd);
      return fail(err, Status::MmapFailed,
                  "mapFile: %s is %lld bytes, smaller than the %llu requested; pass { create: true } to grow it", path,
                  static_cast<long long>(st.st_size), static_cast<unsigned long long>(size));
    }
    if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
      const int e = errno;
      ::close(fd);
      return os_fail(err, Status::IoError, e, "mapFile: cannot grow %s to %llu bytes", path,
                     static_cast<unsigned long long>(size));
    }
  }
  void* addr = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  const int e = errno;
  // The mapping keeps the file referenced; the descriptor is no longer needed.
  ::close(fd);
  if (addr == MAP_FAILED) {
    return os_fail(err, Status::MmapFailed, e, "mapFile: mmap of %s failed for %llu bytes", path,
                   static_cast<unsigned long long>(size));
  }
  out->addr = addr;
  out->size = size;
  return Status::Ok;
}

Status sync_mapping(const Mapping& m, Error* err) {
  if (m.addr == nullptr) return fail(err, Status::InvalidArgument, "sync: the mapping is closed");
  if (::msync(m.addr, m.size, MS_SYNC) != 0) {
    return os_fail(err, Status::IoError, errno, "sync: msync failed%s for %llu bytes", "",
                   static_cast<unsigned long long>(m.size));
  }
  return Status::Ok;
}

void unmap(Mapping* m) {
  if (m->addr != nullptr) ::munmap(m->addr, m->size);
  m->addr = nullptr;
}

#else

Status map_file(const char* path, uint64_t, bool, Mapping*, Error* err) {
  return fail(err, Status::MmapFailed, "mapFile: %s: memory-mapped files need POSIX mmap, which Windows lacks (unsupported platform)", path);
}
Status sync_mapping(const Mapping&, Error* err) { return fail(err, Status::MmapFailed, "sync: not supported"); }
void unmap(Mapping* m) { m->addr = nullptr; }

#endif

}  // namespace mmsb::cpu
