// The endpoint picker's EndpointPickerConfig has no CRD: it is a file the EPP reads. This JSON Schema is written by
// hand from the Go type EndpointPickerConfig in apix/config/v1alpha1/endpointpickerconfig_types.go of
// gateway-api-inference-extension v1.5.0 (json tags, +required markers), and `referenceProblems` restates the checks
// of its loader (pkg/epp/config/loader/validation.go: a plugin's name defaults to its type, every pluginRef names a
// plugin, profile names are unique). PLUGIN_TYPES are the scheduling plugin types that release registers.

const pluginRef = { type: 'string', minLength: 1 };

export const EPP_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'plugins', 'schedulingProfiles'],
  properties: {
    // TypeMeta. The v1.5.0 EPP reads this group; llm-d-inference-scheduler reads it as a deprecated alias.
    apiVersion: { const: 'inference.networking.x-k8s.io/v1alpha1' },
    kind: { const: 'EndpointPickerConfig' },
    featureGates: { type: 'array', items: { type: 'string' } },
    plugins: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type'],
        properties: { name: { type: 'string' }, type: { type: 'string', minLength: 1 }, parameters: {} },
      },
    },
    schedulingProfiles: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'plugins'],
        properties: {
          name: { type: 'string', minLength: 1 },
          plugins: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['pluginRef'],
              properties: { pluginRef, weight: { type: 'number' } },
            },
          },
        },
      },
    },
    saturationDetector: { type: 'object', additionalProperties: false, properties: { pluginRef: { type: 'string' } } },
    dataLayer: { type: 'object' },
    flowControl: { type: 'object' },
    parser: { type: 'object', additionalProperties: false, required: ['pluginRef'], properties: { pluginRef } },
  },
} as const;

/** Scheduling plugin types registered by the v1.5.0 endpoint picker (scorers and pickers). */
export const PLUGIN_TYPES = new Set([
  'prefix-cache-scorer',
  'queue-scorer',
  'kv-cache-utilization-scorer',
  'running-requests-size-scorer',
  'lora-affinity-scorer',
  'max-score-picker',
  'random-picker',
  'weighted-random-picker',
]);
export const PICKER_TYPES = new Set(['max-score-picker', 'random-picker', 'weighted-random-picker']);

interface EppConfig {
  plugins: { name?: string; type: string }[];
  schedulingProfiles: { name: string; plugins: { pluginRef: string; weight?: number }[] }[];
}

/** The loader's reference checks, plus: known plugin types, one picker per profile, positive scorer weights. */
export function referenceProblems(config: EppConfig): string[] {
  const problems: string[] = [];
  const byName = new Map<string, string>();
  for (const plugin of config.plugins) {
    const name = plugin.name || plugin.type;
    if (byName.has(name)) problems.push(`plugin name "${name}" is defined twice`);
    byName.set(name, plugin.type);
    if (!PLUGIN_TYPES.has(plugin.type)) problems.push(`unknown plugin type "${plugin.type}"`);
  }
  const profiles = new Set<string>();
  for (const profile of config.schedulingProfiles) {
    if (profiles.has(profile.name)) problems.push(`duplicate profile "${profile.name}"`);
    profiles.add(profile.name);
    let pickers = 0;
    for (const ref of profile.plugins) {
      const type = byName.get(ref.pluginRef);
      if (type === undefined) problems.push(`profile ${profile.name} references undefined plugin "${ref.pluginRef}"`);
      if (type !== undefined && PICKER_TYPES.has(type)) {
        pickers++;
        if (ref.weight !== undefined) problems.push(`picker "${ref.pluginRef}" has a weight`);
      } else if (ref.weight !== undefined && !(ref.weight > 0)) {
        problems.push(`scorer "${ref.pluginRef}" has weight ${ref.weight}`);
      }
    }
    if (pickers !== 1) problems.push(`profile ${profile.name} has ${pickers} pickers`);
  }
  return problems;
}
