import type { ThemeChoice } from "../ipc/types";

/** System follows `prefers-color-scheme`; light and dark pin it via `data-theme` on <html>. */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
}
