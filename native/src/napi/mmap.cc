// MappedFileHandle: the native half of MappedFile. `bytes` is a Uint8Array over an external
// ArrayBuffer pointing straight at the mapping. close() detaches that ArrayBuffer before munmap, so
// every view of it drops to length 0 instead of pointing at unmapped memory (which would crash).
#include <napi.h>

#include <string>

#include "../cpu/mmap.h"
#include "edge.h"

namespace mmsb::napi {

namespace {

// Owned jointly by the handle and the ArrayBuffer's finalizer: whichever is collected last frees
// it, and whichever comes first of close() and the finalizer unmaps (unmap is idempotent).
struct MapState {
  cpu::Mapping mapping;
  int owners = 2;
};

void release(MapState* s) {
  if (--s->owners == 0) delete s;
}

void finalize_buffer(napi_env, void*, void* hint) {
  auto* s = static_cast<MapState*>(hint);
  cpu::unmap(&s->mapping);
  release(s);
}

class MappedFileHandle : public Napi::ObjectWrap<MappedFileHandle> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "MappedFileHandle",
                       {InstanceAccessor<&MappedFileHandle::Bytes>("bytes"),
                        InstanceMethod<&MappedFileHandle::Sync>("sync"),
                        InstanceMethod<&MappedFileHandle::Close>("close")});
  }

  // new MappedFileHandle(path: string, size: number, create: boolean)
  explicit MappedFileHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MappedFileHandle>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[0].IsString() || !info[2].IsBoolean()) {
      throw_invalid(env, "mapFile: expected (path: string, size: number, { create?: boolean })");
      return;
    }
    path_ = info[0].As<Napi::String>().Utf8Value();
    double size = 0;
    if (!uint_arg(env, info[1], "mapFile", "size", 9007199254740991.0, 0, &size)) return;
    auto* state = new (std::nothrow) MapState();
    if (state == nullptr) {
      throw_error(env, Status::OutOfMemory, "mapFile: out of memory");
      return;
    }
    Error err;
    if (cpu::map_file(path_.c_str(), static_cast<uint64_t>(size), info[2].As<Napi::Boolean>().Value(),
                      &state->mapping, &err) != Status::Ok) {
      delete state;
      throw_error(env, err);
      return;
    }
    napi_value ab;
    if (napi_create_external_arraybuffer(env, state->mapping.addr, state->mapping.size, finalize_buffer, state,
                                         &ab) != napi_ok) {
      cpu::unmap(&state->mapping);
      delete state;
      throw_error(env, Status::MmapFailed, "mapFile: cannot wrap the mapping in an ArrayBuffer");
      return;
    }
    state_ = state;
    buffer_ = Napi::Persistent(Napi::ArrayBuffer(env, ab));
    bytes_ = Napi::Persistent(Napi::Uint8Array::New(env, state->mapping.size, buffer_.Value(), 0));
  }

  ~MappedFileHandle() override {
    if (state_ != nullptr) release(state_);
  }

 private:
  Napi::Value Bytes(const Napi::CallbackInfo& info) {
    if (bytes_.IsEmpty()) return info.Env().Undefined();
    return bytes_.Value();
  }

  Napi::Value Sync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (state_ == nullptr || state_->mapping.addr == nullptr) {
      return Napi::Value(env, throw_invalid(env, "sync: the mapping of %s is closed", path_.c_str()));
    }
    Error err;
    if (cpu::sync_mapping(state_->mapping, &err) != Status::Ok) return Napi::Value(env, throw_error(env, err));
    return env.Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (state_ != nullptr && state_->mapping.addr != nullptr) {
      napi_detach_arraybuffer(env, buffer_.Value());
      cpu::unmap(&state_->mapping);
    }
    return env.Undefined();
  }

  std::string path_;
  MapState* state_ = nullptr;
  Napi::Reference<Napi::ArrayBuffer> buffer_;
  Napi::Reference<Napi::Uint8Array> bytes_;
};

}  // namespace

void register_mmap(napi_env env, napi_value exports) {
  Napi::Env e(env);
  Napi::Function ctor = MappedFileHandle::Define(e);
  InstanceData* d = instance(env);
  if (d != nullptr) napi_create_reference(env, ctor, 1, &d->mapped_ctor);
  Napi::Object(env, exports).Set("MappedFileHandle", ctor);
}

}  // namespace mmsb::napi
