#!/usr/bin/env node
// Lets `npm start` and `npm test` work on a fresh clone as the only commands a user types:
// installs from the lockfile when node_modules is missing or older than the lockfile, and
// does nothing (in milliseconds) otherwise.
'use strict';
const { createHash } = require('node:crypto');
const { execSync } = require('node:child_process');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const lockfile = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.ward-installed-lock-sha256');

const lockHash = createHash('sha256').update(readFileSync(lockfile)).digest('hex');
const installedHash = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';

if (installedHash !== lockHash) {
  process.stderr.write('ward: installing dependencies from package-lock.json (npm ci)...\n');
  execSync('npm ci --no-audit --no-fund --loglevel=error', { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, `${lockHash}\n`);
}
