#!/usr/bin/env node
// Builds build/Release/mmsb_native.node with cmake-js, offline: package.json declares
// binary.napi_versions, so cmake-js compiles against node-api-headers and downloads nothing.
//
// The workspace must build on a machine with only Node and npm, so a missing cmake or C++ compiler
// is a warning (the package then runs its pure-TS kernels), not a failure. A compile error or a
// failing kernel self-test with the tools present IS a failure: that is a bug to fix.
//
// Environment: MMSB_CUDA=OFF (or 0) builds without CUDA even when nvcc exists; MMSB_BUILD_JOBS sets
// the parallelism (default 2).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build');
const binary = join(buildDir, 'Release', 'mmsb_native.node');

function warnAndExit(why) {
  console.warn(
    `\n@mmsb/native: ${why}\n` +
      '@mmsb/native: skipping the native build; the pure-TS kernels will be used (capabilities().native === false).\n' +
      '@mmsb/native: to get the native kernels install cmake >= 3.18 and a C++17 compiler, then rerun ' +
      '`npx nx run @mmsb/native:build-native`.\n',
  );
  // A stale binary from an earlier build would otherwise still load and mask the missing tools.
  rmSync(binary, { force: true });
  process.exit(0);
}

function found(cmd, args = ['--version']) {
  const r = spawnSync(cmd, args, { stdio: 'ignore', shell: process.platform === 'win32' });
  return r.status === 0;
}

if (!found('cmake')) warnAndExit('cmake was not found on PATH.');
const compilers = [process.env.CXX, 'c++', 'g++', 'clang++', 'cl'].filter((c) => c !== undefined && c !== '');
if (!compilers.some((c) => found(c, c === 'cl' ? [] : ['--version']))) {
  warnAndExit(`no C++ compiler was found (tried ${compilers.join(', ')}).`);
}

let cmakeJs;
try {
  cmakeJs = join(dirname(createRequire(join(root, 'package.json')).resolve('cmake-js/package.json')), 'bin', 'cmake-js');
} catch {
  warnAndExit('the cmake-js dev dependency is not installed (run npm install).');
}

const jobs = process.env.MMSB_BUILD_JOBS ?? '2';
const cudaOff = ['0', 'off', 'false', 'no'].includes((process.env.MMSB_CUDA ?? '').toLowerCase());
// cmake-js reads npm's nodedir setting; Node-API builds take headers from node-api-headers, so drop
// it to be sure nothing looks for (or downloads) Node's full source headers.
const env = { ...process.env };
delete env.npm_config_nodedir;
delete env.NPM_CONFIG_NODEDIR;

function run(args) {
  console.log(`> cmake-js ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cmakeJs, ...args], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`@mmsb/native: cmake-js ${args[0]} failed (exit ${r.status}).`);
    process.exit(r.status ?? 1);
  }
}

mkdirSync(buildDir, { recursive: true });
// Configure every time so a changed MMSB_CUDA takes effect in an existing build directory.
run(['configure', '--out', buildDir, `--CDMMSB_CUDA=${cudaOff ? 'OFF' : 'ON'}`, '--log-level', 'warn']);
run(['build', '--out', buildDir, '--parallel', jobs, '--log-level', 'warn']);

if (!existsSync(binary)) {
  console.error(`@mmsb/native: the build finished but ${binary} is missing.`);
  process.exit(1);
}

// The kernel self-test (test/cpp/kernels_test.cc): every SIMD level against the shared bodies.
if (found('ctest')) {
  const r = spawnSync('ctest', ['--test-dir', buildDir, '--output-on-failure'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('@mmsb/native: the C++ kernel test failed.');
    process.exit(r.status ?? 1);
  }
}
console.log(`@mmsb/native: built ${binary}`);
