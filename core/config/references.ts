// `${env:NAME}` and `${secret:NAME}` references in secret-bearing fields (apiKey, clientToken, admin.token).
// `${secret:NAME}` reads the environment variable `VLLM_POOLS_SECRET_<NAME>`: the VS Code extension copies its
// SecretStorage values there when it starts the sidecar, so the config file never holds the value.

export type Reference = { kind: 'env' | 'secret'; name: string };

const REFERENCE = /^\$\{(env|secret):([A-Za-z_][A-Za-z0-9_.-]*)\}$/;

/** The environment variable that carries the value of `${secret:NAME}`. */
export function secretEnvName(name: string): string {
  return `VLLM_POOLS_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The parsed reference, 'malformed' for a string that looks like one but is not, or undefined for a literal. */
export function parseReference(text: string): Reference | 'malformed' | undefined {
  const match = REFERENCE.exec(text.trim());
  if (match) return { kind: match[1] as Reference['kind'], name: match[2]! };
  return text.includes('${') ? 'malformed' : undefined;
}

/** The environment variable a reference reads. */
export function referenceEnvName(reference: Reference): string {
  return reference.kind === 'env' ? reference.name : secretEnvName(reference.name);
}

/** The referenced value, or undefined when its variable is unset or empty. */
export function resolveReference(reference: Reference, env: NodeJS.ProcessEnv): string | undefined {
  const value = env[referenceEnvName(reference)];
  return value === undefined || value === '' ? undefined : value;
}
