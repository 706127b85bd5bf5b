// The dashboard's in-place updates: text, attributes and classes are written only when they changed, so a render
// that changes nothing touches nothing. Elements are built with the shared h() (../shared/h.ts).

export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

export function setAttr(element: Element, name: string, value: string | null): void {
  if (value === null) {
    if (element.hasAttribute(name)) element.removeAttribute(name);
  } else if (element.getAttribute(name) !== value) {
    element.setAttribute(name, value);
  }
}

export function setClass(element: Element, name: string, on: boolean): void {
  if (element.classList.contains(name) !== on) element.classList.toggle(name, on);
}

export function setHidden(element: HTMLElement, hidden: boolean): void {
  if (element.hidden !== hidden) element.hidden = hidden;
}

/**
 * Puts `rows` into `parent` in this order, moving only the nodes that are out of place, and removes the other
 * children. Keeps focus and the DOM nodes of rows that stay.
 */
export function reconcileChildren(parent: Element, rows: readonly Element[]): void {
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    const current = parent.children[index];
    if (current !== row) parent.insertBefore(row, current ?? null);
  }
  while (parent.children.length > rows.length) parent.lastElementChild!.remove();
}
