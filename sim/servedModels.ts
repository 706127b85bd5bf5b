// What one replica serves, as vLLM's OpenAIServingModels keeps it: the base model under one or more names
// (--served-model-name; the first is the one answers and metrics carry) and LoRA adapters (--lora-modules, or loaded at
// run time with /v1/load_lora_adapter), each with the base model it belongs to.

export interface LoraModule {
  name: string;
  path: string;
  /** The served base name it belongs to; default the first served name. */
  base?: string;
}

export interface ServedModelsOptions {
  /** --served-model-name: one or more names of the base model. */
  names: string[];
  /** --model: the path or repo id (`root` of the base model cards). */
  root: string;
  /** Like --enable-lora; implied by `loras` or `maxLoras`. */
  enableLora?: boolean;
  loras?: LoraModule[];
  /** --max-loras: adapters in one batch (vLLM's default 1). */
  maxLoras?: number;
}

export interface Adapter {
  name: string;
  path: string;
  parent: string;
  /** vLLM's lora_int_id: from 1, in load order. */
  id: number;
}

export type LoadResult = { ok: true; message: string } | { ok: false; status: number; type: string; message: string };

/** Parses one --lora-modules value: `name=path` or vLLM's JSON form `{"name","path","base_model_name"}`. */
export function parseLoraModule(text: string): LoraModule | string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as Record<string, unknown>;
      const { name, path } = parsed;
      const base = parsed['base_model_name'];
      if (typeof name !== 'string' || !name || typeof path !== 'string' || !path) {
        return `--lora-modules ${text}: needs "name" and "path"`;
      }
      return { name, path, ...(typeof base === 'string' && base ? { base } : {}) };
    } catch (error) {
      return `--lora-modules ${text}: ${(error as Error).message}`;
    }
  }
  const eq = trimmed.indexOf('=');
  if (eq <= 0 || eq === trimmed.length - 1) return `--lora-modules ${text}: expected name=path`;
  return { name: trimmed.slice(0, eq), path: trimmed.slice(eq + 1) };
}

export class ServedModels {
  readonly names: readonly string[];
  readonly root: string;
  readonly loraEnabled: boolean;
  readonly maxLoras: number;
  private readonly adapters = new Map<string, Adapter>();
  private nextId = 1;

  constructor(options: ServedModelsOptions) {
    if (options.names.length === 0 || options.names.some((n) => !n)) throw new Error('a served model name is empty');
    this.names = [...options.names];
    this.root = options.root;
    const loras = options.loras ?? [];
    this.loraEnabled = options.enableLora === true || loras.length > 0 || options.maxLoras !== undefined;
    this.maxLoras = options.maxLoras ?? 1;
    if (!Number.isInteger(this.maxLoras) || this.maxLoras < 1) throw new Error('max-loras must be a positive integer');
    for (const lora of loras) {
      if (lora.base !== undefined && !this.names.includes(lora.base)) {
        throw new Error(`LoRA module ${lora.name}: base model ${lora.base} is not served`);
      }
      const result = this.load(lora.name, lora.path, lora.base);
      if (!result.ok) throw new Error(result.message);
    }
  }

  /** The name answers and metrics carry (vLLM's base_model_paths[0].name). */
  get primary(): string {
    return this.names[0]!;
  }

  get adapterList(): Adapter[] {
    return [...this.adapters.values()];
  }

  /**
   * What a request's `model` asks for: the base model (missing or empty `model` too), an adapter, or nothing served.
   */
  resolve(model: unknown): { kind: 'base' } | { kind: 'lora'; adapter: Adapter } | undefined {
    if (model === undefined || model === null || model === '') return { kind: 'base' };
    if (typeof model !== 'string') return undefined;
    if (this.names.includes(model)) return { kind: 'base' };
    const adapter = this.adapters.get(model);
    return adapter ? { kind: 'lora', adapter } : undefined;
  }

  /** vLLM's checks and answers for POST /v1/load_lora_adapter. */
  load(name: unknown, path: unknown, base?: string): LoadResult {
    if (typeof name !== 'string' || !name || typeof path !== 'string' || !path) {
      return {
        ok: false,
        status: 400,
        type: 'InvalidUserInput',
        message: "Both 'lora_name' and 'lora_path' must be provided.",
      };
    }
    if (this.adapters.has(name)) {
      return {
        ok: false,
        status: 400,
        type: 'InvalidUserInput',
        message: `The lora adapter '${name}' has already been loaded.`,
      };
    }
    this.adapters.set(name, { name, path, parent: base ?? this.primary, id: this.nextId++ });
    return { ok: true, message: `Success: LoRA adapter '${name}' added successfully.` };
  }

  /** vLLM's checks and answers for POST /v1/unload_lora_adapter. */
  unload(name: unknown): LoadResult {
    if (typeof name !== 'string' || !name) {
      return {
        ok: false,
        status: 400,
        type: 'InvalidUserInput',
        message: "either 'lora_name' and 'lora_int_id' needs to be provided.",
      };
    }
    if (!this.adapters.delete(name)) {
      return {
        ok: false,
        status: 404,
        type: 'NotFoundError',
        message: `The lora adapter '${name}' cannot be found.`,
      };
    }
    return { ok: true, message: `Success: LoRA adapter '${name}' removed successfully.` };
  }
}
