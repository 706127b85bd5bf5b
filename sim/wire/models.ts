// GET /v1/models: vLLM's ModelList (reference vllm.md §1.2): a card per served name of the base model (root = the
// model path), then one per LoRA adapter (parent = its base model, root = the adapter's path, no max_model_len).
import { createHash } from 'node:crypto';
import type { ServedModels } from '../servedModels';

function permission(id: string, created: number): Record<string, unknown> {
  return {
    id: `modelperm-${createHash('sha256').update(`${id}:${created}`).digest('hex').slice(0, 32)}`,
    object: 'model_permission',
    created,
    allow_create_engine: false,
    allow_sampling: true,
    allow_logprobs: true,
    allow_search_indices: false,
    allow_view: true,
    allow_fine_tuning: false,
    organization: '*',
    group: null,
    is_blocking: false,
  };
}

function card(id: string, root: string, parent: string | null, maxModelLen: number | null, created: number) {
  return {
    id,
    object: 'model',
    created,
    owned_by: 'vllm',
    root,
    parent,
    max_model_len: maxModelLen,
    permission: [permission(id, created)],
  };
}

export function modelList(models: ServedModels, created: number, maxModelLen: number): Record<string, unknown> {
  return {
    object: 'list',
    data: [
      ...models.names.map((name) => card(name, models.root, null, maxModelLen, created)),
      ...models.adapterList.map((a) => card(a.name, a.path, a.parent, null, created)),
    ],
  };
}
