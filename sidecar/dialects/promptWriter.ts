// Collects the rendered prompt of a request for the balancers: one block per template section or conversation turn,
// `<|label|>` then a newline, the text and a newline (the same shape as chat rendering in balancer/routedRequest.ts).
// It stops taking text once the prompt is longer than the balancers ever hash, so that a long agent conversation is not
// rendered in full on every request only to be cut.
import { MAX_PREFIX_BLOCKS, PREFIX_BLOCK_CHARS } from '../balancer/prefixBlocks';

/** Characters of prompt the balancers use at most (prefix blocks); the rest is never looked at. */
export const PROMPT_BUDGET_CHARS = MAX_PREFIX_BLOCKS * PREFIX_BLOCK_CHARS;

export class PromptWriter {
  private readonly parts: string[] = [];
  private length = 0;
  /** Characters of the part every request presumably shares (markLead), undefined until marked. */
  leadChars: number | undefined;

  constructor(private readonly budget = PROMPT_BUDGET_CHARS) {}

  /** Nothing more will be kept: renderers may stop walking the body. */
  get full(): boolean {
    return this.length >= this.budget;
  }

  block(label: string, text: string): void {
    this.push(`<|${label}|>\n`);
    this.push(text);
    this.push('\n');
  }

  /** What was written so far is the lead (system prompt and tool definitions); only the first mark counts. */
  markLead(): void {
    if (this.leadChars === undefined && this.length > 0) this.leadChars = Math.min(this.length, this.budget);
  }

  text(): string {
    const joined = this.parts.join('');
    return joined.length > this.budget ? joined.slice(0, this.budget) : joined;
  }

  private push(text: string): void {
    if (this.full || text.length === 0) return;
    this.parts.push(text);
    this.length += text.length;
  }
}

/** The lazy prompt of a routed request: `render` writes the body's prompt into a fresh writer when a balancer asks. */
export function writtenPrompt(render: (writer: PromptWriter) => string): () => { text: string; leadChars?: number } {
  return () => {
    const writer = new PromptWriter();
    const text = render(writer);
    return { text, leadChars: writer.leadChars };
  };
}

/** A short identity for an image, audio or file part: a hash of its URL or data (one pass over a large data URL). */
export function mediaMarker(kind: string, identity: string | undefined): string {
  return `<|${kind}:${identity === undefined ? '' : fnv1a32(identity)}|>`;
}

function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
