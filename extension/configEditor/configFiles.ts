// Which files the config editor handles: vllm-pools.yaml and *.vllm-pools.yaml. Pure.

export const CONFIG_EDITOR_VIEW_TYPE = 'vllmPools.configEditor';

export function isConfigFileName(path: string): boolean {
  const name = path.split(/[\\/]/).pop() ?? '';
  return name === 'vllm-pools.yaml' || name.endsWith('.vllm-pools.yaml');
}
