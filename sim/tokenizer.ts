// A deterministic stand-in for a BPE tokenizer: one token per 4 characters, its id a hash of those characters.
// The same text always gives the same ids, and a shared text prefix gives a shared token prefix (prefix caching).
import { hashString } from './hash';

export const CHARS_PER_TOKEN = 4;
export const VOCAB_SIZE = 128_256;

export function tokenize(text: string): number[] {
  const ids: number[] = new Array(Math.ceil(text.length / CHARS_PER_TOKEN));
  for (let i = 0, t = 0; i < text.length; i += CHARS_PER_TOKEN, t++) {
    ids[t] = hashString(text.slice(i, i + CHARS_PER_TOKEN)) % VOCAB_SIZE;
  }
  return ids;
}

export function countTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** The text of each token of `text` (what `return_token_strs` shows). */
export function tokenPieces(text: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += CHARS_PER_TOKEN) pieces.push(text.slice(i, i + CHARS_PER_TOKEN));
  return pieces;
}
