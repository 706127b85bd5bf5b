// Measured figures of the reliability suite: each test file records its section as JSON under
// test-results/reliability/, and render.ts turns them into RELIABILITY.md.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness';

export const RESULTS_DIR = join(ROOT, 'test-results/reliability');

export function recordSection(name: string, data: unknown): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(data, null, 2)}\n`);
}

export function readSections(): Record<string, unknown> {
  const sections: Record<string, unknown> = {};
  let names: string[] = [];
  try {
    names = readdirSync(RESULTS_DIR).filter((name) => name.endsWith('.json'));
  } catch {
    return sections;
  }
  for (const name of names) {
    sections[name.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(RESULTS_DIR, name), 'utf8'));
  }
  return sections;
}
