// Test-only extension: one command that does what an AI extension does with the vLLM Pools chat provider:
// vscode.lm.selectChatModels({ vendor }) + sendRequest, streaming the reply into an editor a person can watch.
// It writes what it saw to lm-result.json in the workspace so the end-to-end test can check it.
const vscode = require('vscode');

const PROVIDER_EXTENSION = 'vllm-pools.vllm-pools';

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

async function askPool() {
  const result = { vendor: providerVendor(), models: [], model: undefined, fragments: 0, text: '', error: undefined };
  // sendRequest to the first fragment, and to the end: the latency a chat user sees (issue 22).
  result.firstFragmentMs = undefined;
  result.totalMs = undefined;
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

    const messages = [vscode.LanguageModelChatMessage.User('Explain in two sentences why a load balancer helps.')];
    const cancel = new vscode.CancellationTokenSource();
    const started = Date.now();
    const response = await model.sendRequest(messages, { justification: 'vLLM Pools end-to-end test' }, cancel.token);
    for await (const fragment of response.text) {
      if (result.fragments === 0) result.firstFragmentMs = Date.now() - started;
      result.fragments++;
      result.text += fragment;
      const end = document.lineAt(document.lineCount - 1).range.end;
      await editor.edit((edit) => edit.insert(end, fragment));
    }
    result.totalMs = Date.now() - started;
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
};

exports.deactivate = () => {};
