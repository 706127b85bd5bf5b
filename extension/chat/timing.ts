// Where a chat request's time to its first text goes, for the provider's debug line (issue 22): from the call of
// provideLanguageModelChatResponse to each step. No vscode import.

export type TimingStep = 'clientToken' | 'responseHead';

export class FirstTextTiming {
  private readonly started = performance.now();
  private readonly steps = new Map<TimingStep, number>();

  /** tokenCountsAsked: provideTokenCount calls VS Code made since the previous request. */
  constructor(private readonly tokenCountsAsked = 0) {}

  mark(step: TimingStep): void {
    if (!this.steps.has(step)) this.steps.set(step, performance.now() - this.started);
  }

  /** "first text after 12.3 ms (client token 0.1 ms, response head 8.0 ms; 0 token counts before)". */
  firstText(): string {
    const ms = (value: number | undefined) => (value === undefined ? '?' : `${value.toFixed(1)} ms`);
    return (
      `first text after ${ms(performance.now() - this.started)} ` +
      `(client token ${ms(this.steps.get('clientToken'))}, response head ${ms(this.steps.get('responseHead'))}; ` +
      `${this.tokenCountsAsked} token counts before)`
    );
  }
}
