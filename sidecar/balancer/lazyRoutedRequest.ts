// A RoutedRequest whose prompt is rendered only when a balancer first reads it: least-connections, round-robin and
// the other algorithms that never look at the prompt cost no rendering of a long agent conversation per request.
import type { RoutedRequest } from './types';

export interface RenderedPrompt {
  text: string;
  /** Characters of `text` taken by the part every request presumably shares (see RoutedRequest.leadMessageChars). */
  leadChars?: number | undefined;
}

export interface RoutedFields {
  model: string | undefined;
  sessionKey: string | undefined;
  cacheSalt: string | undefined;
  newConversation?: boolean | undefined;
  fillsCache?: boolean | undefined;
  tokenizeBody?: Record<string, unknown> | undefined;
}

export class LazyRoutedRequest implements RoutedRequest {
  readonly model: string | undefined;
  readonly sessionKey: string | undefined;
  readonly cacheSalt: string | undefined;
  readonly newConversation: boolean | undefined;
  readonly fillsCache: boolean | undefined;
  readonly tokenizeBody: Record<string, unknown> | undefined;
  private rendered: RenderedPrompt | undefined;

  constructor(
    fields: RoutedFields,
    private readonly render: () => RenderedPrompt,
  ) {
    this.model = fields.model;
    this.sessionKey = fields.sessionKey;
    this.cacheSalt = fields.cacheSalt;
    this.newConversation = fields.newConversation;
    this.fillsCache = fields.fillsCache;
    this.tokenizeBody = fields.tokenizeBody;
  }

  /** The prompt has been rendered (a balancer asked for it). */
  get promptRendered(): boolean {
    return this.rendered !== undefined;
  }

  get promptText(): string {
    return this.prompt().text;
  }

  /** The lead's length when something follows it in the prompt; undefined otherwise. */
  get leadMessageChars(): number | undefined {
    const { text, leadChars } = this.prompt();
    return leadChars !== undefined && leadChars > 0 && leadChars < text.length ? leadChars : undefined;
  }

  private prompt(): RenderedPrompt {
    this.rendered ??= this.render();
    return this.rendered;
  }
}
