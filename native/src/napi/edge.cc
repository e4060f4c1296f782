#include "edge.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace mmsb::napi {

InstanceData* instance(napi_env env) {
  void* data = nullptr;
  if (napi_get_instance_data(env, &data) != napi_ok) return nullptr;
  return static_cast<InstanceData*>(data);
}

napi_value throw_error(napi_env env, Status status, const char* message, const char* cause) {
  const char* code = status_code_name(status);
  InstanceData* d = instance(env);
  if (d != nullptr && d->error_ctor != nullptr) {
    napi_value ctor;
    napi_value args[3];
    napi_value error;
    if (napi_get_reference_value(env, d->error_ctor, &ctor) == napi_ok &&
        napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &args[0]) == napi_ok &&
        napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &args[1]) == napi_ok) {
      napi_get_undefined(env, &args[2]);
      if (cause != nullptr && cause[0] != '\0') {
        napi_value cause_msg;
        napi_value cause_err;
        napi_value options;
        if (napi_create_string_utf8(env, cause, NAPI_AUTO_LENGTH, &cause_msg) == napi_ok &&
            napi_create_error(env, nullptr, cause_msg, &cause_err) == napi_ok && napi_create_object(env, &options) == napi_ok &&
            napi_set_named_property(env, options, "cause", cause_err) == napi_ok) {
          args[2] = options;
        }
      }
      if (napi_new_instance(env, ctor, 3, args, &error) == napi_ok) {
        napi_throw(env, error);
        return nullptr;
      }
    }
  }
  // Before init() (or if constructing failed): a plain Error still carries the code.
  napi_throw_error(env, code, message);
  return nullptr;
}

napi_value throw_error(napi_env env, const Error& err) { return throw_error(env, err.status, err.message, err.cause); }

napi_value throw_invalid(napi_env env, const char* fmt, ...) {
  char message[384];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  return throw_error(env, Status::InvalidArgument, message);
}

namespace {
bool typed_view(napi_env env, napi_value v, napi_typedarray_type want, const char* type_name, const char* fn,
                const char* what, void** data, size_t* len) {
  napi_typedarray_type type;
  size_t length = 0;
  void* ptr = nullptr;
  if (napi_get_typedarray_info(env, v, &type, &length, &ptr, nullptr, nullptr) != napi_ok || type != want) {
    throw_invalid(env, "%s: %s must be a %s", fn, what, type_name);
    return false;
  }
  *data = ptr;
  *len = length;
  return true;
}
}  // namespace

bool u8_view(napi_env env, napi_value v, const char* fn, const char* what, uint8_t** data, size_t* len) {
  void* p = nullptr;
  if (!typed_view(env, v, napi_uint8_array, "Uint8Array", fn, what, &p, len)) return false;
  *data = static_cast<uint8_t*>(p);
  return true;
}

bool u32_view(napi_env env, napi_value v, const char* fn, const char* what, uint32_t** data, size_t* len) {
  void* p = nullptr;
  if (!typed_view(env, v, napi_uint32_array, "Uint32Array", fn, what, &p, len)) return false;
  *data = static_cast<uint32_t*>(p);
  return true;
}

bool i32_view(napi_env env, napi_value v, const char* fn, const char* what, int32_t** data, size_t* len) {
  void* p = nullptr;
  if (!typed_view(env, v, napi_int32_array, "Int32Array", fn, what, &p, len)) return false;
  *data = static_cast<int32_t*>(p);
  return true;
}

bool f64_view(napi_env env, napi_value v, const char* fn, const char* what, double** data, size_t* len) {
  void* p = nullptr;
  if (!typed_view(env, v, napi_float64_array, "Float64Array", fn, what, &p, len)) return false;
  *data = static_cast<double*>(p);
  return true;
}

bool is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && (t == napi_null || t == napi_undefined);
}

bool uint_arg(napi_env env, napi_value v, const char* fn, const char* what, double max, double fallback, double* out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_undefined) {
    *out = fallback;
    return true;
  }
  if (t != napi_number) {
    throw_invalid(env, "%s: %s must be an integer from 0 to %.0f, got a value of type %s", fn, what, max,
                  t == napi_string ? "string" : t == napi_bigint ? "bigint" : t == napi_object ? "object" : "other");
    return false;
  }
  double x = -1;
  if (napi_get_value_double(env, v, &x) != napi_ok || !(x >= 0) || x > max ||
      x != static_cast<double>(static_cast<uint64_t>(x))) {
    throw_invalid(env, "%s: %s must be an integer from 0 to %.0f, got %g", fn, what, max, x);
    return false;
  }
  *out = x;
  return true;
}

}  // namespace mmsb::napi
