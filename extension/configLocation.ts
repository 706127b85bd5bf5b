// Where the config file is: the `vllmPools.configPath` setting (absolute, or relative to the first workspace
// folder), else vllm-pools.yaml at a workspace folder's root, else the first *.vllm-pools.yaml in the workspace.
import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';

export const CONFIG_FILE_NAME = 'vllm-pools.yaml';
export const CONFIG_GLOB = '**/{vllm-pools.yaml,*.vllm-pools.yaml}';

export async function locateConfig(): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const setting = vscode.workspace.getConfiguration('vllmPools').get<string>('configPath', '').trim();
  if (setting) {
    const uri = isAbsolute(setting)
      ? vscode.Uri.file(setting)
      : folders[0]
        ? vscode.Uri.joinPath(folders[0].uri, setting)
        : undefined;
    return uri && (await exists(uri)) ? uri : undefined;
  }
  for (const folder of folders) {
    const uri = vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME);
    if (await exists(uri)) return uri;
  }
  if (folders.length === 0) return undefined;
  const [found] = await vscode.workspace.findFiles('**/*.vllm-pools.yaml', '**/node_modules/**', 1);
  return found;
}

/** Where a new config goes: the configured path, else vllm-pools.yaml in the first workspace folder. */
export function newConfigLocation(): vscode.Uri | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const setting = vscode.workspace.getConfiguration('vllmPools').get<string>('configPath', '').trim();
  if (setting && isAbsolute(setting)) return vscode.Uri.file(setting);
  if (!folders[0]) return undefined;
  return vscode.Uri.joinPath(folders[0].uri, setting || CONFIG_FILE_NAME);
}

/** In an untrusted workspace, a config inside the workspace must not start the sidecar (it can route prompts anywhere). */
export function isBlockedByTrust(uri: vscode.Uri): boolean {
  return !vscode.workspace.isTrusted && vscode.workspace.getWorkspaceFolder(uri) !== undefined;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
