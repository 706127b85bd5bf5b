// The one element builder of both pages (no framework: the bundles stay small and CSP-clean, and names from replicas
// or the config file never become markup). Attributes are set as written: `class`, `role`, `data-key`, `aria-label`.
export type Child = Node | string | null | undefined | false;
/** Attribute values: `true` sets an empty attribute, `false` and `undefined` leave it out. */
export type Attrs = Record<string, string | number | boolean | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    // `value` goes in as the attribute too, so that selectors like input[value="..."] find a field by what it holds.
    element.setAttribute(name, value === true ? '' : String(value));
    if (name === 'value' && 'value' in element) (element as HTMLInputElement).value = String(value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}
