// Validation as you type, with the sidecar's own parser. References are checked for their form only: whether
// ${env:NAME} is set is a fact of the sidecar's environment, not of the file being edited.
import { parseConfig } from '../../core/config/load';
import type { ConfigIssue } from '../../core/config/types';

/** An environment in which every variable is set (to a value too short to be registered for log redaction). */
const EVERY_VARIABLE_SET: NodeJS.ProcessEnv = new Proxy(
  {},
  { get: (_target, name) => (typeof name === 'string' ? 'set' : undefined) },
);

export function validateConfigText(text: string, file: string): ConfigIssue[] {
  return parseConfig(text, file, EVERY_VARIABLE_SET).issues;
}
