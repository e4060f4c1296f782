// The package's one error class. Native failures arrive as this class too: the loader hands the
// constructor to the binary (binding.init), which throws `new NativeError(code, message, { cause })`.

/** Why a native (or twin) call failed. */
export type NativeErrorCode =
  | 'INVALID_ARGUMENT'
  | 'RUN_OUT_OF_RANGE'
  | 'INDEX_OUT_OF_RANGE'
  | 'LENGTH_MISMATCH'
  | 'NATIVE_UNAVAILABLE'
  | 'NO_DEVICE'
  | 'CUDA_ERROR'
  | 'MMAP_FAILED'
  | 'IO_ERROR'
  | 'OUT_OF_MEMORY';

/** An error from @mmsb/native; `code` says what went wrong, the message names the value. */
export class NativeError extends Error {
  override readonly name = 'NativeError';
  readonly code: NativeErrorCode;

  constructor(code: NativeErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** True when `error` is a NativeError (with `code`, when given). */
export function isNativeError(error: unknown, code?: NativeErrorCode): error is NativeError {
  return error instanceof NativeError && (code === undefined || error.code === code);
}
