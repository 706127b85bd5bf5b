// Deterministic answers: the same seed and the same request give the same tokens, choice by choice.
// Each output token is a short word (about 4 characters with its space); a natural answer ends with an EOS token
// whose text is empty, as vLLM's last chunk often is.
import { seededRandom } from './hash';

const WORDS = (
  'the of and to in is that for it as with was on be by this are from at or an which have not can but all ' +
  'model token cache batch prefix queue load route pool node GPU step time fast slow data text code test ' +
  'value state block chunk serve reply frame graph layer head query key store field index count rate ' +
  'first next last each most some many such only also then than when where while after before under ' +
  'over into through between across every other another simple stable small large early late quick ' +
  'clear light heavy short long warm cold local remote ready shared'
).split(' ');

export interface OutputPlan {
  /** Text of each output token, in order; the stop string and what follows it are already cut out. */
  pieces: string[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  /** The stop string that ended the answer, or null. */
  stopReason: string | null;
  /** Set when the answer is a tool call: then `pieces` are its JSON arguments. */
  toolCall?: { id: string; name: string };
}

export interface OutputRequest {
  /** Seed of the replica (--seed), mixed with the request's own `seed` and the prompt. */
  seed: number;
  promptHash: number;
  choiceIndex: number;
  maxTokens: number;
  minTokens: number;
  ignoreEos: boolean;
  stop: readonly string[];
  naturalLength: { min: number; max: number };
}

export function planOutput(request: OutputRequest): OutputPlan {
  const random = seededRandom(
    (request.seed * 1_000_003 + request.promptHash + request.choiceIndex * 7919) % Number.MAX_SAFE_INTEGER,
  );
  const { min, max } = request.naturalLength;
  const natural = Math.max(request.minTokens, min + Math.floor(random() * (max - min + 1)));
  const endsNaturally = !request.ignoreEos && natural < request.maxTokens;
  const length = endsNaturally ? natural : request.maxTokens;
  const pieces: string[] = [];
  let text = '';
  let sinceSentence = 0;
  for (let i = 0; i < length; i++) {
    let piece: string;
    if (endsNaturally && i === length - 1) {
      piece = '';
    } else if (sinceSentence > 6 && random() < 0.15) {
      piece = '.';
      sinceSentence = 0;
    } else {
      const word = WORDS[Math.floor(random() * WORDS.length)]!;
      piece = sinceSentence === 0 ? `${i === 0 ? '' : ' '}${word[0]!.toUpperCase()}${word.slice(1)}` : ` ${word}`;
      sinceSentence++;
    }
    pieces.push(piece);
    text += piece;
    const stop = i + 1 >= request.minTokens ? findStop(text, piece.length, request.stop) : undefined;
    if (stop) {
      trimTo(pieces, stop.at);
      return { pieces, finishReason: 'stop', stopReason: stop.value };
    }
  }
  return { pieces, finishReason: endsNaturally ? 'stop' : 'length', stopReason: null };
}

/** The earliest stop string that the last piece completed. */
function findStop(text: string, added: number, stops: readonly string[]): { at: number; value: string } | undefined {
  let best: { at: number; value: string } | undefined;
  for (const value of stops) {
    if (!value) continue;
    const at = text.indexOf(value, Math.max(0, text.length - added - value.length + 1));
    if (at >= 0 && (!best || at < best.at)) best = { at, value };
  }
  return best;
}

/** Cuts pieces so that their joined text is exactly `length` characters (a stop string may span pieces). */
function trimTo(pieces: string[], length: number): void {
  let seen = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (seen + piece.length > length) pieces[i] = piece.slice(0, Math.max(0, length - seen));
    seen += pieces[i]!.length;
  }
}
