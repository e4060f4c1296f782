// Memory-mapped files (MAP_SHARED), the host side of MappedFile.
#pragma once

#include "cpu.h"

namespace mmsb::cpu {

struct Mapping {
  void* addr = nullptr;
  size_t size = 0;
};

// Maps `size` bytes of `path` read-write and shared. With `create` the file is created when
// missing and grown with zeros when shorter; without it a short file is refused, because touching
// a mapping past the end of its file raises SIGBUS, which would kill the process.
Status map_file(const char* path, uint64_t size, bool create, Mapping* out, Error* err);
// msync(MS_SYNC): the mapped bytes reach the file before this returns.
Status sync_mapping(const Mapping& m, Error* err);
// munmap; idempotent (clears addr).
void unmap(Mapping* m);

}  // namespace mmsb::cpu
