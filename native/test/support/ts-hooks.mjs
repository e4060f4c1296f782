// Node module hooks for child processes in tests: resolve `./x.js` to `./x.ts` when only the .ts
// exists, and strip types with the workspace's TypeScript (Node 20 cannot run .ts itself).
import { register } from 'node:module';

register('./ts-hooks-impl.mjs', import.meta.url);
