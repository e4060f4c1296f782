// The way back from a compressed delta, checked end to end.
import { PageError } from '../errors.js';
import { codecId, codecOfId } from './codec.js';
import { expandCompressed } from './record.js';
import type { Delta, PlainDelta } from './types.js';
import { checkBytes, checkPlainDelta, checkU32 } from './validate.js';

/**
 * The plain delta inside `delta`. A CRC, length, codec or page mismatch is DELTA_CORRUPT; a plain
 * delta is validated and returned as is.
 */
export function decompressDelta(delta: Delta): PlainDelta {
  if (typeof delta !== 'object' || delta === null || delta.kind !== 'compressed') {
    checkPlainDelta(delta as PlainDelta, 'decompressDelta');
    return delta as PlainDelta;
  }
  checkU32(delta.pageId, 'decompressDelta', 'delta.pageId');
  checkU32(delta.size, 'decompressDelta', 'delta.size');
  checkU32(delta.rawLength, 'decompressDelta', 'delta.rawLength');
  checkU32(delta.rawCrc, 'decompressDelta', 'delta.rawCrc');
  checkBytes(delta.bytes, 'decompressDelta', 'delta.bytes');
  if (codecOfId(codecId(delta.codec)) !== delta.codec) {
    throw new PageError('INVALID_ARGUMENT', `decompressDelta: codec must be 'lz4', 'brotli' or 'deflate-raw', got ${String(delta.codec)}`);
  }
  return expandCompressed(delta, 'decompressDelta');
}
