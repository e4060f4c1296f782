/**
 * Every way layer 0 refuses a request. Callers switch on the code, never on the message.
 *
 * - `INVALID_SIZE`: a size that is not a positive safe integer, or exceeds the largest page.
 * - `INVALID_HANDLE`: not a handle this allocator ever issued.
 * - `FREED_HANDLE`: a handle whose page was freed (its slot may since hold another page).
 * - `DOUBLE_FREE`: `free` of a handle that is already free.
 * - `WRONG_KIND`: an operation the page's kind or location cannot do (a view of device memory).
 * - `OUT_OF_RANGE`: a read or write that runs past the end of the page.
 * - `INVALID_OPTION`: an option with a value outside its domain.
 * - `BUDGET_EXCEEDED`: the memory budget is spent and the spill hook (if any) freed too little.
 * - `TOO_MANY_PAGES`: more live pages than a handle can address.
 * - `OUT_OF_MEMORY`: the JS engine could not create a buffer the budget allowed.
 * - `DEVICE_UNAVAILABLE`: no CUDA device, none compiled in, or `MMSB_GPU=0`.
 * - `DEVICE_FAILED`: the device refused an allocation or a copy.
 * - `MAPPED_UNAVAILABLE`: the native module (which does mmap) is not loaded.
 * - `MAPPED_FAILED`: the native module loaded but could not map the file.
 * - `SEQLOCK_CONTENDED`: a reader gave up after its retry limit while writers kept writing.
 * - `ALLOCATOR_CLOSED`: the allocator or pool was closed.
 */
export type PhysicalErrorCode =
  | 'INVALID_SIZE'
  | 'INVALID_HANDLE'
  | 'FREED_HANDLE'
  | 'DOUBLE_FREE'
  | 'WRONG_KIND'
  | 'OUT_OF_RANGE'
  | 'INVALID_OPTION'
  | 'BUDGET_EXCEEDED'
  | 'TOO_MANY_PAGES'
  | 'OUT_OF_MEMORY'
  | 'DEVICE_UNAVAILABLE'
  | 'DEVICE_FAILED'
  | 'MAPPED_UNAVAILABLE'
  | 'MAPPED_FAILED'
  | 'SEQLOCK_CONTENDED'
  | 'ALLOCATOR_CLOSED';

/**
 * The one error class of `@mmsb/physical`. A refused request never changes allocator state, so
 * the caller may catch, act on `code`, and retry.
 */
export class PhysicalError extends Error {
  /** What went wrong, as a literal callers can switch on. */
  readonly code: PhysicalErrorCode;

  /**
   * @param code what went wrong
   * @param message names the wrong value and what was expected
   * @param options `cause`: the underlying error (a native error, say)
   */
  constructor(code: PhysicalErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PhysicalError';
    this.code = code;
  }
}

/** True when `error` is a {@link PhysicalError}, optionally of the given code. */
export function isPhysicalError(error: unknown, code?: PhysicalErrorCode): error is PhysicalError {
  return error instanceof PhysicalError && (code === undefined || error.code === code);
}
