#!/usr/bin/env -S npx tsx
import { processIo } from '../cli/io';
import { runWard } from '../cli/run';

void runWard(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
