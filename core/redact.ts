// The registry of secret values (API keys, tokens): registered where config references are resolved, masked wherever
// text leaves the process (logs, error bodies).

const secrets = new Set<string>();

/** Registers a secret value; it is masked in every log line from now on. Values shorter than 4 chars are ignored. */
export function redact(secret: string | undefined): void {
  if (secret && secret.length >= 4) secrets.add(secret);
}

export function scrub(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[REDACTED]');
  return out;
}
