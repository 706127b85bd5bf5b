// Checks that a URL is an OpenAI-compatible server (vLLM) by asking its /v1/models. No vscode import.

export async function fetchModelIds(
  baseUrl: string,
  apiKey?: string,
  timeoutMs = 5000,
): Promise<{ models: string[] } | { error: string }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (apiKey) headers['authorization'] = `Bearer ${apiKey}`;
  try {
    const { request } = await import('undici');
    const response = await request(`${baseUrl.replace(/\/+$/, '')}/v1/models`, {
      headers,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.body.text();
    if (response.statusCode === 401 || response.statusCode === 403) {
      return { error: `it asks for an API key (HTTP ${response.statusCode}); add it, then use Set API Key` };
    }
    if (response.statusCode !== 200) return { error: `HTTP ${response.statusCode}` };
    const body = JSON.parse(text) as { data?: { id?: unknown }[] };
    if (!Array.isArray(body.data)) return { error: 'the answer is not an OpenAI model list' };
    return { models: body.data.map((m) => m.id).filter((id): id is string => typeof id === 'string') };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { error: typeof code === 'string' ? code : error instanceof Error ? error.message : String(error) };
  }
}
