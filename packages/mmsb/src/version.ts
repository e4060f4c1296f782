import { createRequire } from 'node:module';

const manifest = createRequire(import.meta.url)('../package.json') as { version: string };

/** The version of the `mmsb` package. */
export const MMSB_VERSION: string = manifest.version;
