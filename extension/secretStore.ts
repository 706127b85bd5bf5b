// Replica API keys in the editor's SecretStorage, named like the `${secret:NAME}` references of the config.
// They reach the sidecar only as VLLM_POOLS_SECRET_<NAME> environment variables; never a file, never a log.
import type * as vscode from 'vscode';
import { secretReferences } from '../core/config/edit';
import { secretEnvName } from '../core/config/references';

const PREFIX = 'vllmPools.secret.';

export class SecretStore {
  constructor(private readonly storage: vscode.SecretStorage) {}

  async set(name: string, value: string): Promise<void> {
    await this.storage.store(PREFIX + name, value);
  }

  async has(name: string): Promise<boolean> {
    return (await this.storage.get(PREFIX + name)) !== undefined;
  }

  /** The environment variables for every `${secret:NAME}` the config text references and the store holds. */
  async envFor(configText: string): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    for (const name of secretReferences(configText)) {
      const value = await this.storage.get(PREFIX + name);
      if (value !== undefined) env[secretEnvName(name)] = value;
    }
    return env;
  }
}
