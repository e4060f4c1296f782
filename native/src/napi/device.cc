// DeviceBufferHandle: memory on a CUDA device, plus the device kernels as methods (the other
// operand, when there is one, is another handle, checked by type tag before it is unwrapped).
// Without a device, or with MMSB_GPU=0, construction throws NO_DEVICE; nothing here aborts.
#include <napi.h>

#include <vector>

#include "../cpu/cpu.h"
#include "../cuda/device.h"
#include "edge.h"

namespace mmsb::napi {

namespace {

const napi_type_tag kDeviceTag = {0x6d6d73625f646576ull, 0x6963655f62756631ull};

class DeviceBufferHandle : public Napi::ObjectWrap<DeviceBufferHandle> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "DeviceBufferHandle",
                       {InstanceAccessor<&DeviceBufferHandle::Device>("device"),
                        InstanceAccessor<&DeviceBufferHandle::Size>("size"),
                        InstanceMethod<&DeviceBufferHandle::Upload>("upload"),
                        InstanceMethod<&DeviceBufferHandle::Download>("download"),
                        InstanceMethod<&DeviceBufferHandle::Free>("free"),
                        InstanceMethod<&DeviceBufferHandle::CopyFrom>("copyFrom"),
                        InstanceMethod<&DeviceBufferHandle::Zero>("zero"),
                        InstanceMethod<&DeviceBufferHandle::XorFrom>("xorFrom"),
                        InstanceMethod<&DeviceBufferHandle::ApplySparseRuns>("applySparseRuns"),
                        InstanceMethod<&DeviceBufferHandle::DiffTo>("diffTo"),
                        InstanceMethod<&DeviceBufferHandle::Crc32c>("crc32c")});
  }

  // new DeviceBufferHandle(size: number, device: number)
  explicit DeviceBufferHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<DeviceBufferHandle>(info) {
    Napi::Env env = info.Env();
    double size = 0;
    double device = 0;
    if (!uint_arg(env, info[0], "deviceAlloc", "size", 9007199254740991.0, 0, &size) ||
        !uint_arg(env, info[1], "deviceAlloc", "device", 1024, 0, &device)) {
      return;
    }
    InstanceData* d = instance(env);
    if (d == nullptr || !d->gpu_allowed) {
      throw_error(env, Status::NoDevice, "deviceAlloc: MMSB_GPU=0 forbids the device; unset it to use CUDA");
      return;
    }
    const int count = cuda::device_count();
    if (static_cast<int>(device) >= count) {
      char msg[256];
      std::snprintf(msg, sizeof msg, "deviceAlloc: device %d requested but %d CUDA device(s) found%s",
                    static_cast<int>(device), count,
                    cuda::compiled() ? "" : " (this binary was built without a CUDA toolkit)");
      throw_error(env, Status::NoDevice, msg);
      return;
    }
    Error err;
    void* ptr = nullptr;
    if (cuda::alloc(static_cast<int>(device), static_cast<size_t>(size), &ptr, &err) != Status::Ok) {
      throw_error(env, err);
      return;
    }
    ptr_ = ptr;
    size_ = static_cast<size_t>(size);
    device_ = static_cast<int>(device);
    napi_type_tag_object(env, info.This(), &kDeviceTag);
  }

  ~DeviceBufferHandle() override { cuda::release(device_, ptr_); }

 private:
  static DeviceBufferHandle* other(Napi::Env env, const Napi::Value& v, const char* fn) {
    bool ok = false;
    if (v.IsObject()) napi_check_object_type_tag(env, v, &kDeviceTag, &ok);
    if (!ok) {
      throw_invalid(env, "%s: expected a DeviceBuffer from deviceAlloc", fn);
      return nullptr;
    }
    DeviceBufferHandle* h = Unwrap(v.As<Napi::Object>());
    if (h->ptr_ == nullptr) {
      throw_invalid(env, "%s: the other DeviceBuffer has been freed", fn);
      return nullptr;
    }
    return h;
  }

  bool live(Napi::Env env, const char* fn) {
    if (ptr_ != nullptr) return true;
    throw_invalid(env, "%s: this DeviceBuffer has been freed", fn);
    return false;
  }

  Napi::Value result(Napi::Env env, Status s, const Error& err) {
    if (s != Status::Ok) return Napi::Value(env, throw_error(env, err));
    return env.Undefined();
  }

  // Host range [offset, offset + n) must lie inside the buffer.
  bool in_range(Napi::Env env, const char* fn, double offset, size_t n) {
    if (offset + static_cast<double>(n) <= static_cast<double>(size_)) return true;
    throw_invalid(env, "%s: %zu bytes at device offset %.0f exceed the buffer of %zu bytes", fn, n, offset, size_);
    return false;
  }

  Napi::Value Device(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), device_); }
  Napi::Value Size(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(size_)); }

  Napi::Value Upload(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint8_t* src;
    size_t n;
    double offset;
    if (!live(env, "upload") || !u8_view(env, info[0], "upload", "src", &src, &n) ||
        !uint_arg(env, info[1], "upload", "deviceOffset", 9007199254740991.0, 0, &offset) ||
        !in_range(env, "upload", offset, n)) {
      return Napi::Value();
    }
    Error err;
    return result(env, cuda::upload(device_, static_cast<uint8_t*>(ptr_) + static_cast<size_t>(offset), src, n, &err),
                  err);
  }

  Napi::Value Download(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint8_t* dst;
    size_t n;
    double offset;
    if (!live(env, "download") || !u8_view(env, info[0], "download", "dst", &dst, &n) ||
        !uint_arg(env, info[1], "download", "deviceOffset", 9007199254740991.0, 0, &offset) ||
        !in_range(env, "download", offset, n)) {
      return Napi::Value();
    }
    Error err;
    return result(env,
                  cuda::download(device_, dst, static_cast<uint8_t*>(ptr_) + static_cast<size_t>(offset), n, &err),
                  err);
  }

  Napi::Value Free(const Napi::CallbackInfo& info) {
    cuda::release(device_, ptr_);
    ptr_ = nullptr;
    return info.Env().Undefined();
  }

  Napi::Value CopyFrom(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    DeviceBufferHandle* src = live(env, "copy") ? other(env, info[0], "copy") : nullptr;
    if (src == nullptr) return Napi::Value();
    if (src->size_ > size_) {
      char msg[160];
      std::snprintf(msg, sizeof msg, "copy: src of %zu bytes does not fit dst of %zu bytes", src->size_, size_);
      return Napi::Value(env, throw_error(env, Status::LengthMismatch, msg));
    }
    if (src->device_ != device_) return Napi::Value(env, throw_invalid(env, "copy: buffers are on different devices"));
    Error err;
    return result(env, cuda::copy(device_, ptr_, src->ptr_, src->size_, &err), err);
  }

  Napi::Value Zero(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!live(env, "zero")) return Napi::Value();
    Error err;
    return result(env, cuda::zero(device_, ptr_, size_, &err), err);
  }

  Napi::Value XorFrom(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    DeviceBufferHandle* src = live(env, "xorInto") ? other(env, info[0], "xorInto") : nullptr;
    if (src == nullptr) return Napi::Value();
    if (src->size_ != size_) {
      char msg[160];
      std::snprintf(msg, sizeof msg, "xorInto: dst has %zu bytes but src has %zu; expected equal lengths", size_,
                    src->size_);
      return Napi::Value(env, throw_error(env, Status::LengthMismatch, msg));
    }
    if (src->device_ != device_) return Napi::Value(env, throw_invalid(env, "xorInto: buffers are on different devices"));
    Error err;
    return result(env, cuda::xor_into(device_, ptr_, src->ptr_, size_, &err), err);
  }

  // applySparseRuns(offsets: Uint32Array, lengths: Uint32Array, data: Uint8Array)
  Napi::Value ApplySparseRuns(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint32_t *offsets, *lengths;
    uint8_t* data;
    size_t n_off, n_len, data_len;
    if (!live(env, "applySparseRuns") ||
        !u32_view(env, info[0], "applySparseRuns", "runs.offsets", &offsets, &n_off) ||
        !u32_view(env, info[1], "applySparseRuns", "runs.lengths", &lengths, &n_len) ||
        !u8_view(env, info[2], "applySparseRuns", "runs.data", &data, &data_len)) {
      return Napi::Value();
    }
    Error err;
    Status s = cpu::validate_runs(size_, offsets, n_off, lengths, n_len, data_len, &err);
    if (s == Status::Ok) {
      try {
        s = cuda::apply_sparse_runs(device_, ptr_, offsets, lengths, n_off, data, data_len, &err);
      } catch (const std::bad_alloc&) {
        s = fail(&err, Status::OutOfMemory, "applySparseRuns: host allocation failed");
      }
    }
    return result(env, s, err);
  }

  // diffTo(after: DeviceBufferHandle, mergeGap) → [offsets, lengths] as { starts, ends } pairs; the
  // TS side downloads the bytes of `after` it needs.
  Napi::Value DiffTo(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    DeviceBufferHandle* after = live(env, "diffPages") ? other(env, info[0], "diffPages") : nullptr;
    double gap;
    if (after == nullptr || !uint_arg(env, info[1], "diffPages", "mergeGap", 4294967295.0, 8, &gap)) {
      return Napi::Value();
    }
    if (after->size_ != size_) {
      char msg[160];
      std::snprintf(msg, sizeof msg, "diffPages: before has %zu bytes but after has %zu; expected equal lengths", size_,
                    after->size_);
      return Napi::Value(env, throw_error(env, Status::LengthMismatch, msg));
    }
    std::vector<RunSpan> runs;
    Error err;
    Status s;
    try {
      s = cuda::diff_pages(device_, ptr_, after->ptr_, size_, static_cast<uint32_t>(gap), &runs, &err);
    } catch (const std::bad_alloc&) {
      s = fail(&err, Status::OutOfMemory, "diffPages: host allocation failed");
    }
    if (s != Status::Ok) return Napi::Value(env, throw_error(env, err));
    Napi::Uint32Array offsets = Napi::Uint32Array::New(env, runs.size());
    Napi::Uint32Array lengths = Napi::Uint32Array::New(env, runs.size());
    for (size_t r = 0; r < runs.size(); ++r) {
      offsets[r] = runs[r].start;
      lengths[r] = runs[r].end - runs[r].start;
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("offsets", offsets);
    out.Set("lengths", lengths);
    return out;
  }

  Napi::Value Crc32c(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    double seed;
    if (!live(env, "crc32c") || !uint_arg(env, info[0], "crc32c", "seed", 4294967295.0, 0, &seed)) {
      return Napi::Value();
    }
    Error err;
    uint32_t crc = 0;
    Status s;
    try {
      s = cuda::crc32c(device_, ptr_, size_, static_cast<uint32_t>(seed), &crc, &err);
    } catch (const std::bad_alloc&) {
      s = fail(&err, Status::OutOfMemory, "crc32c: host allocation failed");
    }
    if (s != Status::Ok) return Napi::Value(env, throw_error(env, err));
    return Napi::Number::New(env, crc);
  }

  void* ptr_ = nullptr;
  size_t size_ = 0;
  int device_ = 0;
};

}  // namespace

void register_device(napi_env env, napi_value exports) {
  Napi::Env e(env);
  Napi::Function ctor = DeviceBufferHandle::Define(e);
  InstanceData* d = instance(env);
  if (d != nullptr) napi_create_reference(env, ctor, 1, &d->device_ctor);
  Napi::Object(env, exports).Set("DeviceBufferHandle", ctor);
}

}  // namespace mmsb::napi
