// Kubernetes names and label selectors for the inference-gateway export. Pool names allow upper case, "." and "_";
// object names (RFC 1123 labels here, since a Service name derives from them) and label values do not.

/** Label that tells pools apart when the --selector labels are the same for every pool. */
export const POOL_LABEL = 'vllm-pools.io/pool';
/** Placeholder in a --selector value, replaced by the pool's Kubernetes name. */
export const POOL_PLACEHOLDER = '{pool}';
/** Longest suffix added to a pool's name ("-epp-config"), so every derived name stays within 63 characters. */
const LONGEST_SUFFIX = '-epp-config'.length;

/** A unique RFC 1123 label per pool name, in order: lower case, other characters as "-", starting with a letter. */
export function kubernetesNames(poolNames: string[]): string[] {
  const taken = new Set<string>();
  return poolNames.map((name) => {
    let base = name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '');
    if (!/^[a-z]/.test(base)) base = `pool-${base}`.replace(/-+$/, '');
    base = base.slice(0, 63 - LONGEST_SUFFIX - 3).replace(/-+$/, '');
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}-${n}`;
    taken.add(candidate);
    return candidate;
  });
}

const LABEL_NAME = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why a label key is invalid, or undefined. Keys are [prefix/]name: a DNS subdomain and a 63-character name. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `label key prefix "${prefix}" must be a DNS subdomain (lower case, digits, "-", ".")`;
  }
  if (name.length > 63 || !LABEL_NAME.test(name)) {
    return `label key "${key}" must be at most 63 letters, digits, "-", "_", "." (after an optional prefix/)`;
  }
  return undefined;
}

export interface SelectorLabel {
  key: string;
  /** May hold {pool}. */
  value: string;
}

/** Parses --selector values ("KEY=VALUE", several per flag when comma-separated); an error message on bad input. */
export function parseSelector(values: string[]): SelectorLabel[] | string {
  const labels: SelectorLabel[] = [];
  for (const item of values.flatMap((value) => value.split(','))) {
    const eq = item.indexOf('=');
    if (eq <= 0) return `--selector takes KEY=VALUE, got "${item}"`;
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) return `--selector: ${keyProblem}`;
    const sample = value.replaceAll(POOL_PLACEHOLDER, 'pool');
    if (sample.length > 63 || !LABEL_VALUE.test(sample)) {
      return `--selector: label value "${value}" must be at most 63 letters, digits, "-", "_", "." starting and ending with a letter or digit`;
    }
    if (labels.some((label) => label.key === key)) return `--selector: label "${key}" is given twice`;
    labels.push({ key, value });
  }
  return labels;
}

/**
 * The matchLabels of each pool. Without --selector every pool selects `vllm-pools.io/pool: <name>`. With it, {pool}
 * is replaced by the pool's Kubernetes name; when several pools would otherwise select the same pods, the pool label
 * is added to each.
 */
export function poolSelectors(
  labels: SelectorLabel[],
  names: string[],
): { selectors: Record<string, string>[]; addedPoolLabel: boolean } {
  const given = labels.length > 0 ? labels : [{ key: POOL_LABEL, value: POOL_PLACEHOLDER }];
  const distinct = given.some((label) => label.value.includes(POOL_PLACEHOLDER));
  const addedPoolLabel = names.length > 1 && !distinct && !given.some((label) => label.key === POOL_LABEL);
  const selectors = names.map((name) => {
    const matchLabels: Record<string, string> = {};
    for (const label of given) matchLabels[label.key] = fitLabelValue(label.value.replaceAll(POOL_PLACEHOLDER, name));
    if (addedPoolLabel) matchLabels[POOL_LABEL] = name;
    return matchLabels;
  });
  return { selectors, addedPoolLabel };
}

/** A label value at most 63 characters long that still ends with a letter or digit. */
function fitLabelValue(value: string): string {
  return value.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
}
