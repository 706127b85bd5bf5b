// The client token the extension's own requests (VS Code chat, Connect an AI Tool) send to the local endpoint: the
// config's `clientToken` resolved the way the sidecar resolves it for the child process it runs in (a literal,
// `${env:NAME}` from the environment, `${secret:NAME}` from VLLM_POOLS_SECRET_<NAME>, which the extension fills from
// SecretStorage: SecretStore.envFor). The value is never logged nor shown. No vscode import.
import { isMap, isScalar, parseDocument } from 'yaml';
import { ADMIN_TOKEN_ENV, adminTokenInForce } from '../core/config/adminToken';
import { parseReference, resolveReference } from '../core/config/references';

/** The variable users set before the config could say where the token comes from; still read as a fallback. */
export const CLIENT_TOKEN_ENV = 'VLLM_POOLS_CLIENT_TOKEN';

/** The variable the sidecar reads its admin token from first (before the config's admin.token). */
export { ADMIN_TOKEN_ENV };

/** The raw `clientToken` value of a config text (a literal or a reference), or undefined when it has none. */
export function clientTokenField(configText: string): string | undefined {
  return stringField(configText, ['clientToken']);
}

function stringField(configText: string, path: readonly string[]): string | undefined {
  const document = parseDocument(configText, { uniqueKeys: false });
  if (document.errors.length > 0 || !isMap(document.contents)) return undefined;
  const value = document.contents.getIn(path, true);
  return isScalar(value) && typeof value.value === 'string' && value.value !== '' ? value.value : undefined;
}

function resolveField(field: string, env: NodeJS.ProcessEnv): string | undefined {
  const reference = parseReference(field);
  if (reference === 'malformed') return undefined;
  if (reference === undefined) return field;
  return resolveReference(reference, env);
}

/**
 * The admin token the user chose, in the one order (core/config/adminToken.ts): VLLM_POOLS_ADMIN_TOKEN, then the
 * config's admin.token (resolved like clientToken). Undefined when neither is set (the extension then makes a random one per start), so a
 * token the user configured keeps working for their scripts while the extension runs the sidecar.
 */
export function resolveAdminToken(configText: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const field = configText === undefined ? undefined : stringField(configText, ['admin', 'token']);
  return adminTokenInForce(field === undefined ? undefined : resolveField(field, env), env);
}

/**
 * The token to send: the config's clientToken resolved against `env` (the extension host's environment plus the
 * secret variables of SecretStore.envFor). Without a readable clientToken, VLLM_POOLS_CLIENT_TOKEN from `env`
 * (a sidecar without clientToken accepts any token, so sending it costs nothing). Undefined when nothing is set, or
 * when the reference cannot be resolved (the caller then sends its placeholder and reports a 401 in words).
 */
export function resolveClientToken(configText: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const fallback = env[CLIENT_TOKEN_ENV] || undefined;
  const field = configText === undefined ? undefined : clientTokenField(configText);
  if (field === undefined) return fallback;
  return resolveField(field, env);
}
