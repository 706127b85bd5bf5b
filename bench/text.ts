// Deterministic filler text of a given token length (the simulator counts one token per 4 characters).
import { randomInt } from './random';

export const CHARS_PER_TOKEN = 4;

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'pe', 'du', 'xi', 'zo', 'be', 'fa', 'gu', 'ho'];

/** Text of exactly `tokens * 4` characters that starts with `label` (which makes it unique when the label is). */
export function fillerText(random: () => number, tokens: number, label = ''): string {
  const length = Math.max(0, Math.round(tokens)) * CHARS_PER_TOKEN;
  const parts: string[] = [label];
  let size = label.length;
  while (size < length) {
    const syllables = randomInt(random, 1, 4);
    let word = ' ';
    for (let i = 0; i < syllables; i++) word += SYLLABLES[randomInt(random, 0, SYLLABLES.length - 1)];
    parts.push(word);
    size += word.length;
  }
  return parts.join('').slice(0, length);
}
