// Finds and loads mmsb_native.node in the manner of sharp and node-llama-cpp: try each candidate in
// order, remember why each one failed, and when none loads say in one message what was tried and
// how to fix it. The caller then falls back to the TS twin.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { NativeError } from '../errors.js';
import { BINDING_FUNCTIONS, STAGE_BYTES, type NativeBinding } from './binding.js';

/** The outcome of loading: a binding and where it came from, or why there is none. */
export interface LoadResult {
  readonly binding: NativeBinding | null;
  /** The staging buffer handed to the binding at init (see native-kernels.ts); null without a binding. */
  readonly stage: ArrayBuffer | null;
  readonly binaryPath: string | null;
  /** Every attempt and its failure, or that MMSB_NATIVE=0 forced TS; null when loaded. */
  readonly reason: string | null;
  /** MMSB_GPU is not '0'. */
  readonly gpuAllowed: boolean;
}

/** The environment variables the loader reads. */
export interface LoaderEnv {
  readonly MMSB_NATIVE?: string | undefined;
  readonly MMSB_NATIVE_PATH?: string | undefined;
  readonly MMSB_GPU?: string | undefined;
}

/**
 * The package root: this file is src/internal/loader.ts under vitest (the @mmsb/source condition)
 * and dist/internal/loader.js when built, two levels below the root either way — so the binary is
 * found relative to the package, never to the caller's cwd.
 */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Candidate binaries, in the order they are tried. */
export function candidatePaths(env: LoaderEnv, root: string = PACKAGE_ROOT): string[] {
  const paths: string[] = [];
  // An explicit override wins: it is how a prebuilt or differently configured binary is used.
  if (env.MMSB_NATIVE_PATH !== undefined && env.MMSB_NATIVE_PATH !== '') paths.push(resolve(env.MMSB_NATIVE_PATH));
  paths.push(join(root, 'build', 'Release', 'mmsb_native.node'));
  paths.push(join(root, 'build', 'Debug', 'mmsb_native.node'));
  return paths;
}

const FIX =
  'To build it run `npx nx run @mmsb/native:build-native` (or `node native/scripts/build-native.mjs`); ' +
  'it needs cmake >= 3.18 and a C++17 compiler (CUDA optional). ' +
  'Or point MMSB_NATIVE_PATH at a built mmsb_native.node.';

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.message;
  return String(error);
}

// A binary is initialised once per realm: init() registers the staging buffer, and a second init
// with a new one would leave earlier kernels writing to a buffer the binary no longer reads.
const initialised = new Map<string, { binding: NativeBinding; stage: ArrayBuffer }>();

/** Loads the first candidate under `root` (or MMSB_NATIVE_PATH) that works; never throws. */
export function loadNative(env: LoaderEnv, root: string = PACKAGE_ROOT): LoadResult {
  const gpuAllowed = env.MMSB_GPU !== '0';
  if (env.MMSB_NATIVE === '0') {
    return { binding: null, stage: null, binaryPath: null, reason: 'MMSB_NATIVE=0 forces the pure-TS kernels', gpuAllowed };
  }
  const require = createRequire(import.meta.url);
  const failures: string[] = [];
  for (const path of candidatePaths(env, root)) {
    const earlier = initialised.get(path);
    if (earlier !== undefined) return { ...earlier, binaryPath: path, reason: null, gpuAllowed };
    if (!existsSync(path)) {
      failures.push(`${path}: not found`);
      continue;
    }
    try {
      const binding = require(path) as NativeBinding;
      const missing = BINDING_FUNCTIONS.filter((name) => typeof binding[name] !== 'function');
      if (missing.length > 0) {
        failures.push(`${path}: loaded but lacks ${missing.join(', ')} (a stale build?)`);
        continue;
      }
      const stage = new ArrayBuffer(STAGE_BYTES);
      binding.init(NativeError, gpuAllowed, stage);
      initialised.set(path, { binding, stage });
      return { binding, stage, binaryPath: path, reason: null, gpuAllowed };
    } catch (error) {
      failures.push(`${path}: ${describe(error)}`);
    }
  }
  return {
    binding: null,
    stage: null,
    binaryPath: null,
    reason: `@mmsb/native: no native binary loaded, using the pure-TS kernels. Tried ${failures.join('; ')}. ${FIX}`,
    gpuAllowed,
  };
}

/** The load this process uses, done once when the package is first imported. */
export const loaded: LoadResult = loadNative({
  MMSB_NATIVE: process.env['MMSB_NATIVE'],
  MMSB_NATIVE_PATH: process.env['MMSB_NATIVE_PATH'],
  MMSB_GPU: process.env['MMSB_GPU'],
});
