// Creates the files every layer package needs, leaving existing files alone.
// Run: node tools/scripts/scaffold.mjs
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { layers } from './layers.mjs';

const root = new URL('../..', import.meta.url).pathname;
const deps = {
  '@mmsb/physical': ['@mmsb/native'],
  mmsb: ['@mmsb/physical'],
};
const withCode = new Set(['@mmsb/native', '@mmsb/physical', 'mmsb']);

function put(file, text) {
  if (existsSync(file)) return;
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
}
const json = (v) => JSON.stringify(v, null, 2) + '\n';

for (const layer of layers) {
  const dir = join(root, layer.dir);
  const own = deps[layer.name] ?? [];
  const dirOf = (name) => layers.find((l) => l.name === name).dir;
  put(join(dir, 'package.json'), json({
    name: layer.name,
    version: '0.0.0',
    description: layer.owns,
    type: 'module',
    license: 'MIT',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: {
      '.': { '@mmsb/source': './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' },
      './package.json': './package.json',
    },
    files: ['dist', '!**/*.tsbuildinfo'],
    dependencies: Object.fromEntries(own.map((d) => [d, '0.0.0'])),
    nx: { tags: [layer.tag] },
  }));
  put(join(dir, 'tsconfig.json'), json({
    extends: relative(dir, join(root, 'tsconfig.base.json')),
    files: [],
    include: [],
    references: [{ path: './tsconfig.lib.json' }, ...(withCode.has(layer.name) ? [{ path: './tsconfig.spec.json' }] : [])],
  }));
  put(join(dir, 'tsconfig.lib.json'), json({
    extends: relative(dir, join(root, 'tsconfig.base.json')),
    compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/tsconfig.lib.tsbuildinfo' },
    include: ['src/**/*.ts'],
    references: own.map((d) => ({ path: relative(dir, join(root, dirOf(d), 'tsconfig.lib.json')) })),
  }));
  if (withCode.has(layer.name)) {
    put(join(dir, 'tsconfig.spec.json'), json({
      extends: relative(dir, join(root, 'tsconfig.base.json')),
      compilerOptions: { outDir: './out-tsc/vitest', tsBuildInfoFile: './out-tsc/vitest/tsconfig.spec.tsbuildinfo', types: ['node', 'vitest/globals'] },
      include: ['vitest.config.ts', 'test/**/*.ts'],
      references: [{ path: './tsconfig.lib.json' }],
    }));
    put(join(dir, 'vitest.config.ts'), `import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: ['@mmsb/source'] },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    reporters: ['default'],
    testTimeout: 60_000,
  },
});
`);
  }
  put(join(dir, 'eslint.config.mjs'), `import baseConfig from '${relative(dir, join(root, 'eslint.config.mjs'))}';\n\nexport default [...baseConfig];\n`);
  const layerNo = layer.tag.replace('layer:', '');
  if (!withCode.has(layer.name)) {
    put(join(dir, 'src/index.ts'), `/**
 * ${layer.name} — layer ${layerNo} of MMSB: ${layer.owns}.
 *
 * Nothing of this layer is built yet; see README.md. The package exists so that the layer
 * boundaries are enforced from the start.
 */
export {};
`);
    put(join(dir, 'README.md'), `# ${layer.name}

Layer ${layerNo} of MMSB (see \`DESIGN.md\` §1).

**Owns:** ${layer.owns}.

**May import:** only packages of layers below ${layerNo}${Number(layerNo) <= 4 ? ' and `@mmsb/native`' : ' (not `@mmsb/native`)'}; enforced by \`@nx/enforce-module-boundaries\` through the \`${layer.tag}\` tag.

**Exists yet:** nothing — the package is an empty shell that holds the layer's place in the graph. Its issue builds it.
`);
  }
}
console.log('scaffolded', layers.length, 'packages');
