// Test-only extension: one command that does what an AI extension does with the vLLM Pools chat provider:
// vscode.lm.selectChatModels({ vendor }) + sendRequest, streaming the reply into an editor a person can watch.
// It writes what it saw to lm-result.json in the workspace so the end-to-end test can check it.
//
// It also times the latency a chat user sees (issue 22), three ways, all from this extension host with one clock:
// - direct: the same chat request POSTed to the sidecar with fetch, to its first text chunk (what curl sees);
// - floor: a trivial provider of this extension (vendor FLOOR_VENDOR) that reports one fragment at once, through
//   vscode.lm.sendRequest: VS Code's own cost of a request (ext host -> renderer -> ext host and back);
// - pool: the vLLM Pools model through vscode.lm.sendRequest, to its first fragment.
// Each is measured ROUNDS times: the first request of a session (cold) and the warm ones users see afterwards.
const vscode = require('vscode');

const PROVIDER_EXTENSION = 'vllm-pools.vllm-pools';
const FLOOR_VENDOR = 'vllm-pools-e2e-floor';
const ROUNDS = 3;
const PROMPT = 'Explain in two sentences why a load balancer helps.';

/** What the floor provider saw, per request: when VS Code called it (Date.now()). */
const floorCalls = { chatInformation: 0, tokenCounts: 0, responses: [] };

function providerVendor() {
  const extension = vscode.extensions.getExtension(PROVIDER_EXTENSION);
  const providers = extension?.packageJSON?.contributes?.languageModelChatProviders ?? [];
  return providers[0]?.vendor;
}

async function writeResult(result) {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return;
  const uri = vscode.Uri.joinPath(folder.uri, 'lm-result.json');
  await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(result, null, 2)));
}

/** VS Code's floor: a provider that answers with one fragment as soon as it is called. */
const floorProvider = {
  provideLanguageModelChatInformation() {
    floorCalls.chatInformation++;
    return [
      {
        id: 'floor',
        name: 'floor',
        family: 'floor',
        version: '1',
        maxInputTokens: 8192,
        maxOutputTokens: 1024,
        capabilities: {},
      },
    ];
  },
  async provideLanguageModelChatResponse(_model, _messages, _options, progress) {
    floorCalls.responses.push(Date.now());
    progress.report(new vscode.LanguageModelTextPart('floor'));
  },
  async provideTokenCount(_model, text) {
    floorCalls.tokenCounts++;
    return Math.ceil((typeof text === 'string' ? text.length : 16) / 4);
  },
};

/**
 * One vscode.lm request timed from this side: sendRequest called (startedAt, absolute), sendRequest resolved and
 * first fragment (ms after startedAt). onFragment sees every fragment.
 */
async function timedRequest(model, onFragment) {
  const messages = [vscode.LanguageModelChatMessage.User(PROMPT)];
  const cancel = new vscode.CancellationTokenSource();
  const startedAt = Date.now();
  const started = performance.now();
  const response = await model.sendRequest(messages, { justification: 'vLLM Pools end-to-end test' }, cancel.token);
  const resolvedMs = performance.now() - started;
  let firstFragmentMs;
  let fragments = 0;
  for await (const fragment of response.text) {
    if (fragments === 0) firstFragmentMs = performance.now() - started;
    fragments++;
    if (onFragment) await onFragment(fragment);
  }
  return { startedAt, resolvedMs, firstFragmentMs, totalMs: performance.now() - started, fragments };
}

/** The same chat request straight to the sidecar (as curl would send it): ms to the first text chunk. */
async function directRequest(endpoint, model) {
  const started = performance.now();
  const response = await fetch(`${endpoint}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer vllm-pools' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: PROMPT }] }),
  });
  const headMs = performance.now() - started;
  let firstTextMs;
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    if (firstTextMs === undefined && /"content":"[^"]/.test(buffer)) firstTextMs = performance.now() - started;
  }
  return { status: response.status, headMs, firstTextMs, totalMs: performance.now() - started };
}

async function askPool() {
  const result = { vendor: providerVendor(), models: [], model: undefined, fragments: 0, text: '', error: undefined };
  // sendRequest to the first fragment, and to the end: the latency a chat user sees (issue 22).
  result.firstFragmentMs = undefined;
  result.totalMs = undefined;
  result.latency = { direct: [], floor: [], pool: [], floorCalls };
  try {
    if (!result.vendor) throw new Error(`${PROVIDER_EXTENSION} contributes no languageModelChatProviders`);
    const models = await vscode.lm.selectChatModels({ vendor: result.vendor });
    result.models = models.map((m) => m.id);
    const model = models[0];
    if (!model) throw new Error(`no chat model from vendor ${result.vendor}`);
    result.model = model.id;

    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: '' });
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), `# ${model.name} via vLLM Pools\n\n`));

    // The first pool request is the one shown in the editor (and may wait for the Allow dialog).
    const first = await timedRequest(model, async (fragment) => {
      result.fragments++;
      result.text += fragment;
      const end = document.lineAt(document.lineCount - 1).range.end;
      await editor.edit((edit) => edit.insert(end, fragment));
    });
    result.firstFragmentMs = first.firstFragmentMs;
    result.totalMs = first.totalMs;
    result.latency.pool.push(first);

    // Warm rounds, interleaved so that each kind sees the same machine load.
    const port = vscode.workspace.getConfiguration('vllmPools').get('port');
    const [floor] = await vscode.lm.selectChatModels({ vendor: FLOOR_VENDOR });
    for (let i = 0; i < ROUNDS; i++) {
      result.latency.direct.push(await directRequest(`http://127.0.0.1:${port}/v1`, model.id));
      if (floor) {
        const timing = await timedRequest(floor);
        const calledAt = floorCalls.responses[floorCalls.responses.length - 1];
        result.latency.floor.push({ ...timing, providerCalledMs: calledAt - timing.startedAt });
      }
      result.latency.pool.push(await timedRequest(model));
    }
    vscode.window.showInformationMessage(
      `vscode.lm reply from ${model.id}: ${result.fragments} fragments streamed through vLLM Pools`,
    );
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    vscode.window.showErrorMessage(`vscode.lm request failed: ${result.error}`);
  }
  await writeResult(result);
}

exports.activate = (context) => {
  context.subscriptions.push(vscode.commands.registerCommand('vllmPoolsE2e.askPool', askPool));
  context.subscriptions.push(vscode.lm.registerLanguageModelChatProvider(FLOOR_VENDOR, floorProvider));
};

exports.deactivate = () => {};
