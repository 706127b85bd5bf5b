// The `users` section: named users, each with a token (a ${env:}/${secret:} reference or a literal, resolved by the
// caller like every secret) and optional per-minute limits. Problems are reported at the offending key or value;
// a message never holds a token.
import { DEFAULTS } from './defaults';
import type { UserConfig, UserLimits } from './types';
import type { Field, YamlReader } from './yamlReader';

export const USER_KEYS = ['name', 'token', 'limits'] as const;
export const USER_LIMIT_KEYS = ['requestsPerMinute', 'tokensPerMinute'] as const;
/** A user name is a metric label value and a log field: letters, digits and . _ @ - (64 at most). */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/**
 * The users, or undefined when any of them is invalid (the problems are in the reader's sink). `secret` resolves a
 * token field as every secret-bearing key is resolved; `clientToken` is the resolved anonymous token, if any.
 */
export function parseUsers(
  yaml: YamlReader,
  field: Field,
  secret: (field: Field) => string | undefined,
  clientToken: string | undefined,
): UserConfig[] | undefined {
  const items = yaml.seq(field);
  if (!items) return undefined;
  if (items.length === 0) {
    yaml.sink.at(yaml.where(field), `${field.path} must list at least one user (or be left out)`);
    return undefined;
  }
  const users: UserConfig[] = [];
  const names = new Map<string, number>();
  const tokens = new Map<string, number>();
  let valid = true;
  items.forEach((item, index) => {
    const path = `${field.path}[${index}]`;
    const fields = yaml.map(item, path, USER_KEYS, field.key);
    if (!fields) {
      valid = false;
      return;
    }
    const nameField = fields.get('name');
    const tokenField = fields.get('token');
    const name = nameField ? yaml.string(nameField) : undefined;
    if (!nameField) yaml.sink.at(item, `${path}.name is required`);
    else if (name !== undefined && (!USER_NAME.test(name) || name === DEFAULTS.anonymousUser)) {
      yaml.sink.at(
        yaml.where(nameField),
        name === DEFAULTS.anonymousUser
          ? `${path}.name "${name}" is reserved for requests that present clientToken`
          : `${path}.name may hold only letters, digits, ".", "_", "@" and "-" (64 at most)`,
      );
      valid = false;
    } else if (name !== undefined) {
      const seen = names.get(name);
      if (seen !== undefined) {
        yaml.sink.at(yaml.where(nameField), `duplicate user name "${name}" (also ${field.path}[${seen}])`);
        valid = false;
      }
      names.set(name, index);
    }
    if (!tokenField) yaml.sink.at(item, `${path}.token is required, e.g. \${secret:vllm-pools-${name ?? 'alice'}}`);
    const token = tokenField ? secret(tokenField) : undefined;
    if (token !== undefined && tokenField) {
      const seen = tokens.get(token);
      if (seen !== undefined) {
        yaml.sink.at(yaml.where(tokenField), `${path}.token is the same as ${field.path}[${seen}].token`);
        valid = false;
      } else if (token === clientToken) {
        yaml.sink.at(yaml.where(tokenField), `${path}.token is the same as clientToken (the anonymous user's)`);
        valid = false;
      }
      tokens.set(token, index);
    }
    const limitsField = fields.get('limits');
    const limits = limitsField ? parseLimits(yaml, limitsField) : {};
    if (name === undefined || token === undefined || limits === undefined) {
      valid = false;
      return;
    }
    users.push({ name, token, limits });
  });
  return valid ? users : undefined;
}

function parseLimits(yaml: YamlReader, field: Field): UserLimits | undefined {
  const fields = yaml.map(field.value, field.path, USER_LIMIT_KEYS, field.key);
  if (!fields) return undefined;
  const limits: UserLimits = {};
  for (const key of USER_LIMIT_KEYS) {
    const value = fields.get(key);
    if (!value) continue;
    const parsed = yaml.integer(value, 1);
    if (parsed === undefined) return undefined;
    limits[key] = parsed;
  }
  return limits;
}
