#!/usr/bin/env node
// The `mmsb` command line. Each command lives in src/commands/ and returns data; this file only
// parses arguments and prints.
import { Command } from 'commander';
import { doctorReport, formatDoctorReport } from './commands/doctor.js';
import { MMSB_VERSION } from './version.js';

const program = new Command()
  .name('mmsb')
  .description('MMSB — a deterministic, delta-driven state bus')
  .version(MMSB_VERSION)
  .showHelpAfterError();

program
  .command('doctor')
  .description('print what this machine gives MMSB: native kernels, SIMD, CRC32C, CUDA, devices')
  .option('--json', 'print the report as JSON')
  .action((options: { json?: boolean }) => {
    const report = doctorReport();
    console.log(options.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
  });

await program.parseAsync(process.argv);
