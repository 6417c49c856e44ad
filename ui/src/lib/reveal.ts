/**
 * Svelte action: scrolls a message that just appeared into view (a dialog body scrolls, and its
 * errors sit at the end).
 */
export function reveal(node: HTMLElement): void {
  node.scrollIntoView({ block: "nearest" });
}
