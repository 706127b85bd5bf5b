// POST /tokenize and /detokenize at the root, as vLLM serves them (not under /v1, so no API key): tokenize takes
// `prompt` (TokenizeCompletionRequest) or `messages` (TokenizeChatRequest, through the chat template) and answers
// {count, max_model_len, tokens, token_strs}; detokenize takes {tokens} and answers {prompt}.
// The simulator's tokenizer hashes 4-character pieces, so detokenize knows the pieces it has seen tokenized here and
// stands a seeded word in for any other id.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { seededRandom } from '../hash';
import { tokenize, tokenPieces, VOCAB_SIZE } from '../tokenizer';
import { renderChat } from './chatTemplate';
import type { ServeContext } from './context';
import { badRequest, isWireError } from './errors';
import { sendError, sendJson } from './http';

const MAX_KNOWN_PIECES = 100_000;
const knownPieces = new Map<number, string>();

function remember(ids: readonly number[], pieces: readonly string[]): void {
  ids.forEach((id, i) => {
    knownPieces.delete(id);
    knownPieces.set(id, pieces[i]!);
  });
  for (const oldest of knownPieces.keys()) {
    if (knownPieces.size <= MAX_KNOWN_PIECES) break;
    knownPieces.delete(oldest);
  }
}

const STAND_INS = ['the', ' of', ' and', ' to', ' in', ' is', ' that', ' for', ' it', ' as'];

function pieceOf(id: number): string {
  return knownPieces.get(id) ?? STAND_INS[Math.floor(seededRandom(id)() * STAND_INS.length)]!;
}

export function handleTokenize(
  ctx: ServeContext,
  _req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
): void {
  let text: string;
  if (body['messages'] !== undefined) {
    if (body['add_generation_prompt'] === true && body['continue_final_message'] === true) {
      sendError(res, badRequest('Cannot set both `continue_final_message` and `add_generation_prompt` to True.'));
      return;
    }
    const rendered = renderChat(body['messages'], body['tools']);
    if (isWireError(rendered)) {
      sendError(res, rendered);
      return;
    }
    text = rendered;
  } else if (typeof body['prompt'] === 'string') {
    text = body['prompt'];
  } else {
    sendError(res, badRequest('1 validation error: prompt must be a string (or give messages)', 'prompt'));
    return;
  }
  const tokens = tokenize(text);
  const pieces = tokenPieces(text);
  remember(tokens, pieces);
  sendJson(res, 200, {
    count: tokens.length,
    max_model_len: ctx.profile.maxModelLen,
    tokens,
    token_strs: body['return_token_strs'] === true ? pieces : null,
  });
}

export function handleDetokenize(
  _ctx: ServeContext,
  _req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
): void {
  const tokens = body['tokens'];
  if (!Array.isArray(tokens) || !tokens.every((t) => Number.isInteger(t) && t >= 0)) {
    sendError(res, badRequest('1 validation error: tokens must be a list of non-negative integers', 'tokens'));
    return;
  }
  const outOfVocab = (tokens as number[]).find((t) => t >= VOCAB_SIZE);
  if (outOfVocab !== undefined) {
    sendError(res, badRequest(`Token id ${outOfVocab} is out of vocabulary`));
    return;
  }
  sendJson(res, 200, { prompt: (tokens as number[]).map(pieceOf).join('') });
}
