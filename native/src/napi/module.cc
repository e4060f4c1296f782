// Module entry: registers the kernels (raw Node-API, see kernels.cc), the mmap and device handle
// classes (node-addon-api) and the control functions the TS loader calls once: init, capabilities
// and setSimdCap.
#include <napi.h>

#include "../cpu/cpu.h"
#include "../cuda/device.h"
#include "edge.h"

namespace mmsb::napi {

namespace {

void finalize_instance(napi_env env, void* data, void*) {
  auto* d = static_cast<InstanceData*>(data);
  for (napi_ref r : {d->error_ctor, d->mapped_ctor, d->device_ctor, d->stage_ref}) {
    if (r != nullptr) napi_delete_reference(env, r);
  }
  delete d;
}

// init(NativeError, gpuAllowed, stage): from here on native failures throw the package's own error
// class, and applySparseRunsStaged reads its runs from `stage`.
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  InstanceData* d = instance(env);
  if (d == nullptr || info.Length() < 3 || !info[0].IsFunction() || !info[1].IsBoolean() ||
      !info[2].IsArrayBuffer() || info[2].As<Napi::ArrayBuffer>().ByteLength() <= kStageDataOffset) {
    return Napi::Value(env, throw_invalid(env, "init: expected (errorClass: Function, gpuAllowed: boolean, "
                                               "stage: ArrayBuffer of more than %zu bytes)",
                                          kStageDataOffset));
  }
  for (napi_ref* r : {&d->error_ctor, &d->stage_ref}) {
    if (*r != nullptr) napi_delete_reference(env, *r);
    *r = nullptr;
  }
  napi_create_reference(env, info[0], 1, &d->error_ctor);
  d->gpu_allowed = info[1].As<Napi::Boolean>().Value();
  Napi::ArrayBuffer stage = info[2].As<Napi::ArrayBuffer>();
  napi_create_reference(env, stage, 1, &d->stage_ref);
  d->stage = static_cast<uint8_t*>(stage.Data());
  d->stage_len = stage.ByteLength();
  return env.Undefined();
}

// Device probing is deferred to here (not load time): initialising CUDA can take hundreds of ms,
// and processes that never ask about devices should not pay for it.
Napi::Value Capabilities(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  InstanceData* d = instance(env);
  const bool gpu_allowed = d != nullptr && d->gpu_allowed;
  Napi::Object out = Napi::Object::New(env);
  out.Set("simd", cpu::simd_name(cpu::active_simd()));
  out.Set("crc32cHardware", cpu::crc32c_hardware());
  out.Set("cudaCompiled", cuda::compiled());
  out.Set("gpuAllowed", gpu_allowed);
  Napi::Array devices = Napi::Array::New(env);
  const int count = gpu_allowed ? cuda::device_count() : 0;
  for (int i = 0; i < count; ++i) {
    cuda::DeviceInfo di;
    Error err;
    if (cuda::device_info(i, &di, &err) != Status::Ok) continue;
    Napi::Object dev = Napi::Object::New(env);
    dev.Set("index", di.index);
    dev.Set("name", di.name);
    dev.Set("totalMemoryBytes", static_cast<double>(di.total_memory));
    dev.Set("computeCapability", std::to_string(di.major) + "." + std::to_string(di.minor));
    devices.Set(devices.Length(), dev);
  }
  out.Set("devices", devices);
  return out;
}

// setSimdCap('avx2' | 'sse4.2' | 'scalar') → the level now active. Lets tests drive every dispatch
// path on one machine; never raises the level above what the CPU supports.
Napi::Value SetSimdCap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    return Napi::Value(env, throw_invalid(env, "setSimdCap: expected 'avx2', 'sse4.2' or 'scalar'"));
  }
  const std::string want = info[0].As<Napi::String>().Utf8Value();
  cpu::SimdLevel cap;
  if (want == "avx2") {
    cap = cpu::SimdLevel::Avx2;
  } else if (want == "sse4.2") {
    cap = cpu::SimdLevel::Sse42;
  } else if (want == "scalar") {
    cap = cpu::SimdLevel::Scalar;
  } else {
    return Napi::Value(env, throw_invalid(env, "setSimdCap: got '%s'; expected 'avx2', 'sse4.2' or 'scalar'", want.c_str()));
  }
  return Napi::String::New(env, cpu::simd_name(cpu::set_simd_cap(cap)));
}

}  // namespace

Napi::Object ModuleInit(Napi::Env env, Napi::Object exports) {
  auto* d = new (std::nothrow) InstanceData();
  if (d == nullptr || napi_set_instance_data(env, d, finalize_instance, nullptr) != napi_ok) {
    delete d;
    throw_error(env, Status::OutOfMemory, "mmsb_native: cannot set instance data");
    return exports;
  }
  exports.Set("init", Napi::Function::New<Init>(env, "init"));
  exports.Set("capabilities", Napi::Function::New<Capabilities>(env, "capabilities"));
  exports.Set("setSimdCap", Napi::Function::New<SetSimdCap>(env, "setSimdCap"));
  register_kernels(env, exports);
  register_mmap(env, exports);
  register_semiring(env, exports);
  register_device(env, exports);
  return exports;
}

}  // namespace mmsb::napi

// The macro pastes its argument into an identifier, so it needs an unqualified name.
static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return mmsb::napi::ModuleInit(env, exports); }
NODE_API_MODULE(mmsb_native, InitModule)
