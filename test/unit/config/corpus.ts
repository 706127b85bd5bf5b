// The config corpus under test/fixtures/config: valid/*.yaml parse cleanly, invalid/*.yaml carry the exact
// `# expect: LINE:COL: message` (and `# warning: ...`) lines the parser must produce.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS_DIR = join(__dirname, '..', '..', 'fixtures', 'config');

/** The environment the corpus is parsed with (references in the corpus name these). */
export const CORPUS_ENV: NodeJS.ProcessEnv = {
  VLLM_API_KEY: 'corpus-key-1',
  VLLM_POOLS_CLIENT_TOKEN: 'corpus-team-token',
  VLLM_POOLS_SECRET_GPU_A: 'corpus-secret-a',
};

export interface CorpusFile {
  kind: 'valid' | 'invalid';
  name: string;
  path: string;
  text: string;
  /** `LINE:COL: message` lines, errors then warnings, in file order. */
  errors: string[];
  warnings: string[];
  /** Set when the file is invalid for a reason JSON Schema cannot express (uniqueness, environment). */
  schemaCannotTell: boolean;
}

export function readCorpus(): CorpusFile[] {
  return (['valid', 'invalid'] as const).flatMap((kind) =>
    readdirSync(join(CORPUS_DIR, kind))
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => {
        const path = join(CORPUS_DIR, kind, name);
        const text = readFileSync(path, 'utf8');
        const lines = (prefix: string) =>
          text
            .split('\n')
            .filter((line) => line.startsWith(prefix))
            .map((line) => line.slice(prefix.length));
        return {
          kind,
          name,
          path,
          text,
          errors: lines('# expect: '),
          warnings: lines('# warning: '),
          schemaCannotTell: text.includes('# schema-cannot-tell:'),
        };
      }),
  );
}
