// `vllm-pools sim`: N simulated vLLM replicas on ports P..P+N-1 until SIGINT/SIGTERM.

import { type LoraModule, parseLoraModule, startSimFleet } from '../sim/fleet';
import { PROFILES } from '../sim/profiles';
import { parseCommandArgs } from './commandArgs';

const USAGE = `usage: vllm-pools sim [--replicas N] [--port P] [--model NAME] [--profile NAME] [--time-scale X] [--seed S] [--api-key KEY]
  Starts simulated vLLM replicas that behave like \`vllm serve\` on the wire; prints one line per replica when ready.
  Ctrl-C (SIGINT) or SIGTERM stops them.

      --replicas N       replicas to start (default 3)
      --port P           first port; replica i listens on P+i (default 8000; 0 = free ports)
      --model NAME       served model name (default: the profile's)
      --profile NAME     ${Object.keys(PROFILES).join(' | ')} (default h100-llama-8b)
      --time-scale X     multiplies every modelled delay (0.1 = ten times faster; default 1)
      --seed S           same seed and request: same token stream (default 0)
      --api-key KEY      require Authorization: Bearer KEY on /v1 paths (or env VLLM_API_KEY)
      --host H           address to listen on (default 127.0.0.1)
      --kv-blocks N      KV cache capacity in 16-token blocks (default: the profile's; h100-llama-8b 25231)
      --max-num-seqs N   most requests running at once (default: the profile's; h100-llama-8b 256)
      --enable-prompt-tokens-details   usage reports prompt_tokens_details.cached_tokens on a prefix-cache hit
      --served-model-name NAME   a name the base model answers to (repeat for aliases; the first one answers carry)
      --lora-modules name=path   a LoRA adapter loaded at start (repeat; or vLLM's JSON {"name","path","base_model_name"})
      --enable-lora      /v1/load_lora_adapter and /v1/unload_lora_adapter work (implied by the two below)
      --max-loras N      distinct adapters in one batch (default 1); more wait, and a swap costs step time
  -h, --help             this text
`;

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new Error(`--${name} must be a number, got "${value}"`);
  return parsed;
}

export async function run(argv: string[]): Promise<number> {
  const values = parseCommandArgs(
    'sim',
    argv,
    {
      replicas: { type: 'string' },
      port: { type: 'string' },
      model: { type: 'string' },
      profile: { type: 'string' },
      'time-scale': { type: 'string' },
      seed: { type: 'string' },
      'api-key': { type: 'string' },
      host: { type: 'string' },
      'kv-blocks': { type: 'string' },
      'max-num-seqs': { type: 'string' },
      'enable-prompt-tokens-details': { type: 'boolean' },
      'served-model-name': { type: 'string', multiple: true },
      'lora-modules': { type: 'string', multiple: true },
      'enable-lora': { type: 'boolean' },
      'max-loras': { type: 'string' },
    },
    USAGE,
  );
  if (typeof values === 'number') return values;
  let fleet: Awaited<ReturnType<typeof startSimFleet>>;
  try {
    const apiKey = (values['api-key'] as string | undefined) ?? process.env['VLLM_API_KEY'];
    const model = values['model'] as string | undefined;
    const profile = values['profile'] as string | undefined;
    const kvBlocks = values['kv-blocks'] as string | undefined;
    const maxNumSeqs = values['max-num-seqs'] as string | undefined;
    const served = values['served-model-name'] as string[] | undefined;
    const loraModules: LoraModule[] = [];
    for (const text of (values['lora-modules'] as string[] | undefined) ?? []) {
      const parsed = parseLoraModule(text);
      if (typeof parsed === 'string') throw new Error(parsed);
      loraModules.push(parsed);
    }
    const maxLoras = values['max-loras'] as string | undefined;
    fleet = await startSimFleet({
      ...(served && served.length > 0 ? { servedModelNames: served } : {}),
      ...(loraModules.length > 0 ? { loraModules } : {}),
      ...(values['enable-lora'] === true ? { enableLora: true } : {}),
      ...(maxLoras !== undefined ? { maxLoras: number(maxLoras, 'max-loras', 1) } : {}),
      replicas: number(values['replicas'] as string | undefined, 'replicas', 3),
      port: number(values['port'] as string | undefined, 'port', 8000),
      host: (values['host'] as string | undefined) ?? '127.0.0.1',
      timeScale: number(values['time-scale'] as string | undefined, 'time-scale', 1),
      seed: number(values['seed'] as string | undefined, 'seed', 0),
      ...(model ? { model } : {}),
      ...(profile ? { profile } : {}),
      ...(apiKey ? { apiKey } : {}),
      promptTokensDetails: values['enable-prompt-tokens-details'] === true,
      profileOverrides: {
        ...(kvBlocks !== undefined ? { numGpuBlocks: number(kvBlocks, 'kv-blocks', 0) } : {}),
        ...(maxNumSeqs !== undefined ? { maxNumSeqs: number(maxNumSeqs, 'max-num-seqs', 0) } : {}),
      },
    });
  } catch (error) {
    process.stderr.write(`vllm-pools sim: ${(error as Error).message}\n`);
    return 2;
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    // Handlers first: whoever reads the ready lines may signal at once.
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    fleet.replicas.forEach((replica, i) => {
      process.stdout.write(`sim replica ${i} listening on ${replica.url}\n`);
    });
    const first = fleet.replicas[0]!;
    process.stderr.write(
      `sim: ${fleet.replicas.length} replica(s), profile ${first.profile.name}, model ${first.model}; Ctrl-C stops\n`,
    );
  });
  await fleet.close();
  return 0;
}
