// VS Code's chat (and other extensions, through vscode.lm.selectChatModels({vendor: 'vllm-pools'})) gets every model
// of the pools. Requests stream through the sidecar's local endpoint, so they are load-balanced and counted like any
// other client's. The logic lives in ./chat/* (no vscode import); this file adapts it to the VS Code API.
import * as vscode from 'vscode';
import type { StateSnapshot } from '../core/protocol';
import { type EndpointOptions, fetchModels, type ModelCard, streamChatCompletion } from './chat/chatClient';
import { describeChatFailure } from './chat/errorText';
import { buildChatRequest, estimateTokens } from './chat/messageMapping';
import { buildModelCatalog, type ChatModelInfo, catalogKey } from './chat/modelCatalog';
import { EndpointError } from './chat/streamAssembler';
import { FirstTextTiming } from './chat/timing';
import { resolveClientToken } from './clientToken';

/** The vendor id of contributes.languageModelChatProviders: selectChatModels({ vendor: CHAT_VENDOR }). */
export const CHAT_VENDOR = 'vllm-pools';

export interface ChatProviderDeps {
  /** The local endpoint (…/v1) while the sidecar runs, else undefined. */
  endpoint(): string | undefined;
  snapshot(): StateSnapshot | undefined;
  onDidChangeSnapshot: vscode.Event<StateSnapshot | undefined>;
  log: vscode.LogOutputChannel;
  /**
   * The sidecar's clientToken, resolved from SecretStorage and the environment (SidecarManager.clientToken).
   * Without it, VLLM_POOLS_CLIENT_TOKEN of the extension host's environment.
   */
  clientToken?: () => Promise<string | undefined>;
}

export class PoolsChatProvider implements vscode.LanguageModelChatProvider<ChatModelInfo>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private lastKey = '';
  /** provideTokenCount calls since the last chat request (reported in its timing line). */
  private tokenCountsAsked = 0;
  private cards: ModelCard[] = [];
  /**
   * The resolved client token per endpoint. Resolving reads the config file and SecretStorage, both round trips to
   * the editor's main process: per request that delayed the first text (issue 22). Re-resolved after a 401.
   */
  private tokenCache: { endpoint: string; token: Promise<string | undefined> } | undefined;

  constructor(private readonly deps: ChatProviderDeps) {
    this.lastKey = catalogKey(deps.snapshot());
    this.subscription = deps.onDidChangeSnapshot((snapshot) => {
      const key = catalogKey(snapshot);
      if (key === this.lastKey) return;
      this.lastKey = key;
      this.changed.fire();
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  private async options(): Promise<EndpointOptions | undefined> {
    const endpoint = this.deps.endpoint();
    if (!endpoint) return undefined;
    if (this.tokenCache?.endpoint !== endpoint) {
      // A token that cannot be read (secret storage unavailable) is sent as none: the 401 then says what to do.
      const token = this.deps.clientToken
        ? this.deps.clientToken().catch(() => undefined)
        : Promise.resolve(resolveClientToken(undefined, process.env));
      this.tokenCache = { endpoint, token };
    }
    return { endpoint, token: await this.tokenCache.token };
  }

  async provideLanguageModelChatInformation(
    prepare: vscode.PrepareLanguageModelChatModelOptions,
    token: vscode.CancellationToken,
  ): Promise<ChatModelInfo[]> {
    const options = await this.options();
    if (!options) {
      // Asked interactively (Manage Models): offer to start the sidecar; silently, just offer nothing yet.
      if (!prepare.silent) {
        const start = 'Start Sidecar';
        void vscode.window
          .showInformationMessage('vLLM Pools: the sidecar is not running, so no pool models are offered yet.', start)
          .then((choice) => (choice === start ? vscode.commands.executeCommand('vllmPools.startSidecar') : undefined));
      }
      return [];
    }
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    try {
      this.cards = await fetchModels(options, AbortSignal.any([abort.signal, AbortSignal.timeout(5000)]));
    } catch (error) {
      this.deps.log.debug(`chat models: /v1/models failed (${error instanceof Error ? error.message : String(error)})`);
    } finally {
      cancel.dispose();
    }
    return buildModelCatalog(this.deps.snapshot(), this.cards);
  }

  async provideLanguageModelChatResponse(
    model: ChatModelInfo,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const timing = new FirstTextTiming(this.tokenCountsAsked);
    this.tokenCountsAsked = 0;
    let running = await this.options();
    timing.mark('clientToken');
    let endpointOptions = running ?? { endpoint: this.deps.endpoint() ?? 'http://127.0.0.1:8800/v1' };
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    if (token.isCancellationRequested) abort.abort();
    const report = (
      part: { kind: 'text'; text: string } | { kind: 'toolCall'; callId: string; name: string; input: object },
    ) => {
      if (part.kind === 'text') progress.report(new vscode.LanguageModelTextPart(part.text));
      else progress.report(new vscode.LanguageModelToolCallPart(part.callId, part.name, part.input));
    };
    let body = buildChatRequest({
      model: model.id,
      messages,
      tools: options.tools,
      toolMode: options.toolMode,
      modelOptions: options.modelOptions,
    });
    try {
      if (!running) throw new EndpointError('not running', 0, 'connection');
      let reported = false;
      const onPart = (part: Parameters<typeof report>[0]) => {
        if (!reported) this.deps.log.debug(`chat ${model.id}: ${timing.firstText()}`);
        reported = true;
        report(part);
      };
      const onHead = () => timing.mark('responseHead');
      try {
        const result = await streamChatCompletion(endpointOptions, body, onPart, abort.signal, onHead).catch(
          async (error) => {
            // The cached token may be out of date (the config's clientToken or its secret changed): resolve it again.
            if (reported || !(error instanceof EndpointError) || error.status !== 401) throw error;
            this.tokenCache = undefined;
            running = await this.options();
            if (!running) throw error;
            endpointOptions = running;
            return streamChatCompletion(endpointOptions, body, onPart, abort.signal, onHead);
          },
        );
        this.deps.log.debug(
          `chat ${model.id} via ${result.replica ?? '?'}: ${result.usage?.completionTokens ?? '?'} tokens, ${result.finishReason ?? 'no finish reason'}`,
        );
      } catch (error) {
        // vLLM without --enable-auto-tool-choice rejects tools with 400: answer without them rather than not at all.
        if (
          !reported &&
          body['tools'] &&
          error instanceof EndpointError &&
          error.status === 400 &&
          /tool/i.test(error.message)
        ) {
          this.deps.log.info(`chat ${model.id}: the replicas do not accept tools (${error.message}); retrying without`);
          const { tools: _tools, tool_choice: _choice, ...withoutTools } = body;
          body = withoutTools;
          await streamChatCompletion(endpointOptions, body, onPart, abort.signal, onHead);
        } else throw error;
      }
    } catch (error) {
      if (token.isCancellationRequested) return;
      const failure = describeChatFailure(error, { endpoint: endpointOptions.endpoint, model: model.id });
      this.deps.log.warn(failure.message);
      if (failure.code === 'NotFound') throw vscode.LanguageModelError.NotFound(failure.message);
      throw new Error(failure.message, { cause: error });
    } finally {
      cancel.dispose();
    }
  }

  async provideTokenCount(
    _model: ChatModelInfo,
    text: string | vscode.LanguageModelChatRequestMessage,
    _token: vscode.CancellationToken,
  ): Promise<number> {
    this.tokenCountsAsked++;
    return estimateTokens(text);
  }
}

/** Registers the provider under CHAT_VENDOR; dispose to unregister. */
export function registerChatProvider(deps: ChatProviderDeps): vscode.Disposable {
  const provider = new PoolsChatProvider(deps);
  try {
    const registration = vscode.lm.registerLanguageModelChatProvider(CHAT_VENDOR, provider);
    return vscode.Disposable.from(registration, provider);
  } catch (error) {
    // A host without the language-model API (or without chat) must not stop the rest of the extension.
    deps.log.warn(`chat models not offered: ${error instanceof Error ? error.message : String(error)}`);
    return provider;
  }
}

/** The provider's view of the sidecar manager (extension/sidecarManager.ts). */
export function chatProviderDeps(
  sidecar: {
    status: string;
    endpoint(): string;
    clientToken(): Promise<string | undefined>;
    live: { snapshot: StateSnapshot | undefined; onDidChangeSnapshot: vscode.Event<StateSnapshot | undefined> };
  },
  log: vscode.LogOutputChannel,
): ChatProviderDeps {
  return {
    endpoint: () => (sidecar.status === 'running' ? sidecar.endpoint() : undefined),
    snapshot: () => sidecar.live.snapshot,
    onDidChangeSnapshot: sidecar.live.onDidChangeSnapshot,
    log,
    clientToken: () => sidecar.clientToken(),
  };
}
