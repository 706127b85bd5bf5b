// GET /v1/models: vLLM's ModelList with one ModelCard (reference vllm.md §1.2).
import { createHash } from 'node:crypto';

export function modelList(model: string, created: number, maxModelLen: number): Record<string, unknown> {
  const permissionId = `modelperm-${createHash('sha256').update(`${model}:${created}`).digest('hex').slice(0, 32)}`;
  return {
    object: 'list',
    data: [
      {
        id: model,
        object: 'model',
        created,
        owned_by: 'vllm',
        root: model,
        parent: null,
        max_model_len: maxModelLen,
        permission: [
          {
            id: permissionId,
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
          },
        ],
      },
    ],
  };
}
