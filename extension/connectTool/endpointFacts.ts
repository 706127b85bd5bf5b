// What "Connect an AI Tool…" needs to know about the running endpoint: its URL, the pools' models (with context
// lengths from /v1/models) and whether the config sets clientToken. The token itself only authenticates the
// extension's own /v1/models call; it never goes into the generated settings. No vscode import.
import type { StateSnapshot } from '../../core/protocol';
import { fetchModels, type ModelCard } from '../chat/chatClient';
import { EndpointError } from '../chat/streamAssembler';
import type { EndpointFacts, EndpointModel } from './toolSettings';

export interface EndpointFactsSource {
  endpoint(): string;
  running(): boolean;
  snapshot(): StateSnapshot | undefined;
  /** The sidecar's clientToken, resolved from SecretStorage and the environment (SidecarManager.clientToken). */
  clientToken(): Promise<string | undefined>;
}

export async function gatherEndpointFacts(
  source: EndpointFactsSource,
  platform: NodeJS.Platform = process.platform,
): Promise<EndpointFacts> {
  const endpoint = source.endpoint();
  let cards: ModelCard[] = [];
  let tokenRequired = false;
  if (source.running()) {
    try {
      // Asked with the placeholder key on purpose: a 401 means the config sets clientToken.
      cards = await fetchModels({ endpoint });
    } catch (error) {
      if (error instanceof EndpointError && error.status === 401) {
        tokenRequired = true;
        const token = await source.clientToken().catch(() => undefined);
        if (token) cards = await fetchModels({ endpoint, token }).catch(() => []);
      }
    }
  }
  const models = new Map<string, EndpointModel>();
  for (const card of cards) models.set(card.id, { id: card.id, contextTokens: card.max_model_len });
  for (const pool of source.snapshot()?.pools ?? []) {
    for (const id of pool.models) if (!models.has(id)) models.set(id, { id });
  }
  return {
    endpoint,
    models: [...models.values()],
    tokenRequired,
    platform: platform === 'win32' ? 'windows' : 'posix',
  };
}
