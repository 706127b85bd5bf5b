// A failed chat request in words a user can act on. No vscode import; chatProvider.ts turns the result into an
// Error or a LanguageModelError.
import { EndpointError } from './streamAssembler';

/** `${secret:NAME}`, written so that it reads as text, not as a template. */
const SECRET_REF = `$${'{'}secret:NAME}`;
const ENV_REF = `$${'{'}env:NAME}`;

/** What to do about a 401 from the local endpoint. Names no token value, ever. */
export const CLIENT_TOKEN_HELP = `vLLM Pools: the local endpoint requires a client token (clientToken in vllm-pools.yaml) and VS Code did not send the right one. Write it as clientToken: ${SECRET_REF} and store its value with "vLLM Pools: Set API Key" (it keeps any ${SECRET_REF} of the config in VS Code's secret storage), or as ${ENV_REF} set in the environment VS Code starts from.`;

export interface FailureContext {
  endpoint: string;
  model: string;
}

export interface DescribedFailure {
  message: string;
  /** "NotFound" maps to LanguageModelError.NotFound; the rest to a plain Error. */
  code: 'NotFound' | 'Unavailable' | 'Unauthorized' | 'Upstream' | 'Unknown';
}

export function describeChatFailure(error: unknown, context: FailureContext): DescribedFailure {
  if (!(error instanceof EndpointError)) {
    const text = error instanceof Error ? error.message : String(error);
    return { code: 'Unknown', message: `vLLM Pools: the request for ${context.model} failed: ${text}` };
  }
  const detail = error.message;
  switch (error.status) {
    case 0:
      return {
        code: 'Unavailable',
        message: `vLLM Pools: the sidecar is not running (nothing answers at ${context.endpoint}). Start it with "vLLM Pools: Start Sidecar".`,
      };
    case 401:
      return {
        code: 'Unauthorized',
        message: CLIENT_TOKEN_HELP,
      };
    case 404:
      return { code: 'NotFound', message: `vLLM Pools: no pool serves the model ${context.model}. ${detail}` };
    case 503: {
      const retry = (error as EndpointError & { retryAfter?: number }).retryAfter;
      const when = typeof retry === 'number' && Number.isFinite(retry) ? ` Try again in ${retry} s.` : '';
      return {
        code: 'Unavailable',
        message: `vLLM Pools: no healthy replica can take a request for ${context.model} right now (${detail}).${when} The vLLM Pools view shows which replicas are down or draining.`,
      };
    }
    case 504:
      return {
        code: 'Upstream',
        message: `vLLM Pools: the replicas of ${context.model} did not start answering in time (timeouts.firstByte): ${detail}`,
      };
    case 502:
      return { code: 'Upstream', message: `vLLM Pools: a replica of ${context.model} failed: ${detail}` };
    default:
      return { code: 'Upstream', message: `vLLM Pools: ${context.model} answered ${error.status}: ${detail}` };
  }
}
