// The only file that binds @mmsb/native, so the boundary (and its error codes) lives in one place.
export { capabilities, deviceAlloc, mapFile } from '@mmsb/native';
export type { CudaDevice, DeviceBuffer, MappedFile, NativeCapabilities, SimdLevel } from '@mmsb/native';

/** The `code` of a NativeError (or any error carrying a string code), else null. */
export function nativeErrorCode(error: unknown): string | null {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return null;
}

/** The message of any thrown value. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
