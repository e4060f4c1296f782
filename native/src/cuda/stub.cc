// Built instead of device.cu when no CUDA compiler was found (or MMSB_CUDA=OFF): the module keeps
// the same surface and reports zero devices, so callers fall back to the CPU path.
#include "../cpu/cpu.h"
#include "device.h"

namespace mmsb::cuda {

namespace {
Status no_device(Error* err) {
  return fail(err, Status::NoDevice, "no CUDA device: this binary was built without a CUDA toolkit");
}
}  // namespace

bool compiled() { return false; }
int device_count() { return 0; }
Status device_info(int, DeviceInfo*, Error* err) { return no_device(err); }
Status alloc(int, size_t, void**, Error* err) { return no_device(err); }
void release(int, void*) {}
Status upload(int, void*, const void*, size_t, Error* err) { return no_device(err); }
Status download(int, void*, const void*, size_t, Error* err) { return no_device(err); }
Status copy(int, void*, const void*, size_t, Error* err) { return no_device(err); }
Status zero(int, void*, size_t, Error* err) { return no_device(err); }
Status xor_into(int, void*, const void*, size_t, Error* err) { return no_device(err); }
Status apply_sparse_runs(int, void*, const uint32_t*, const uint32_t*, size_t, const uint8_t*, size_t, Error* err) {
  return no_device(err);
}
Status diff_pages(int, const void*, const void*, size_t, uint32_t, std::vector<RunSpan>*, Error* err) {
  return no_device(err);
}
Status crc32c(int, const void*, size_t, uint32_t, uint32_t*, Error* err) { return no_device(err); }
Status semiring_spmv(int, SemiringOp, int32_t, const int32_t*, const int32_t*, const double*, const double*, double*,
                     const uint8_t*, bool, Error* err) {
  return no_device(err);
}

}  // namespace mmsb::cuda
