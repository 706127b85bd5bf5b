// Response-id affinity. vLLM keeps stored responses in memory per server, so GET/DELETE /v1/responses/{id},
// POST /v1/responses/{id}/cancel and a request with `previous_response_id` only work on the replica that created
// the response. This remembers, for the ids this sidecar saw created, which replica that was (bounded, least recently
// used forgotten first); for an id it does not know (another sidecar made it, or this one restarted), it gives the
// order in which to ask the pool's replicas until one does not answer 404.
import { hash53 } from '../balancer/hashing';

export const RESPONSE_AFFINITY_CAPACITY = 10_000;

export class ResponseAffinity {
  /** id -> replica name; a Map iterates in insertion order, so its first key is the least recently used. */
  private readonly replicas = new Map<string, string>();

  constructor(private readonly capacity = RESPONSE_AFFINITY_CAPACITY) {}

  get size(): number {
    return this.replicas.size;
  }

  /** The response `id` was created on `replica`. */
  remember(id: string, replica: string): void {
    if (id.length === 0) return;
    this.replicas.delete(id);
    this.replicas.set(id, replica);
    if (this.replicas.size > this.capacity) {
      const oldest = this.replicas.keys().next();
      if (!oldest.done) this.replicas.delete(oldest.value);
    }
  }

  /** The replica that created `id`, when this sidecar saw it; a hit counts as a use. */
  replicaOf(id: string): string | undefined {
    const replica = this.replicas.get(id);
    if (replica !== undefined) {
      this.replicas.delete(id);
      this.replicas.set(id, replica);
    }
    return replica;
  }

  /** The response was deleted. */
  forget(id: string): void {
    this.replicas.delete(id);
  }

  /** The replica left the pool (or restarted, losing its store): its ids mean nothing any more. */
  forgetReplica(replica: string): void {
    for (const [id, name] of this.replicas) if (name === replica) this.replicas.delete(id);
  }
}

/**
 * The order in which to try the pool's replicas for response `id`: the remembered one first (when it is among them),
 * then the others in an order fixed by the id (the same in every sidecar, and different ids start at different
 * replicas, so probes for unknown ids spread). Ask each in turn until one answers something other than 404.
 */
export function replicasToTry<T extends { readonly name: string }>(
  replicas: readonly T[],
  id: string,
  remembered?: string,
): T[] {
  const idHash = hash53(id, 3);
  const scored = replicas.map((replica) => ({ replica, score: hash53(replica.name, idHash) }));
  scored.sort(
    (a, b) =>
      Number(b.replica.name === remembered) - Number(a.replica.name === remembered) ||
      b.score - a.score ||
      (a.replica.name < b.replica.name ? -1 : 1),
  );
  return scored.map((entry) => entry.replica);
}

/** A replica's answer that means "not here, ask the next one". */
export function isUnknownResponse(status: number): boolean {
  return status === 404;
}

export type ResponseIdAction = 'retrieve' | 'delete' | 'cancel' | 'input_items';

/**
 * The response id a request names in its path: GET|DELETE /v1/responses/{id}, POST /v1/responses/{id}/cancel,
 * GET /v1/responses/{id}/input_items; the path may carry a `/pools/{pool}` prefix and a query. Undefined otherwise.
 */
export function responseIdOfPath(method: string, url: string): { id: string; action: ResponseIdAction } | undefined {
  const path = url.split('?', 1)[0] ?? '';
  const match = /^(?:\/pools\/[^/]+)?\/v1\/responses\/([^/]+)(?:\/(cancel|input_items))?\/?$/.exec(path);
  if (!match?.[1]) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  const verb = method.toUpperCase();
  if (match[2] === 'cancel') return verb === 'POST' ? { id, action: 'cancel' } : undefined;
  if (match[2] === 'input_items') return verb === 'GET' ? { id, action: 'input_items' } : undefined;
  if (verb === 'GET') return { id, action: 'retrieve' };
  if (verb === 'DELETE') return { id, action: 'delete' };
  return undefined;
}

/** `previous_response_id` of a POST /v1/responses body. */
export function previousResponseId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const id = (body as Record<string, unknown>)['previous_response_id'];
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** The id of a Response object (a non-streamed answer's parsed body). */
export function createdResponseId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  return record['object'] === 'response' && typeof record['id'] === 'string' && record['id'].length > 0
    ? record['id']
    : undefined;
}

/**
 * Whether the replica keeps the response the request creates: `store` defaults to true; with `store: false` (Codex
 * CLI's default) there is nothing to find later, so nothing to remember.
 */
export function storesResponse(requestBody: unknown): boolean {
  return !(
    typeof requestBody === 'object' &&
    requestBody !== null &&
    (requestBody as Record<string, unknown>)['store'] === false
  );
}
