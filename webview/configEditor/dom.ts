// A tiny element builder for the page (no framework: the bundle stays small and CSP-clean).
export type Child = Node | string | null | undefined | false;
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
