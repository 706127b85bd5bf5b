// Clears the figures of a previous run, so RELIABILITY.md only shows what this run measured.
import { rmSync } from 'node:fs';
import { RESULTS_DIR } from './results';

rmSync(RESULTS_DIR, { recursive: true, force: true });
