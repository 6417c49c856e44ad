import type { ThemeChoice } from "../ipc/types";

/** System follows `prefers-color-scheme`; light and dark pin it via `data-theme` on <html>. */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
}

/** Calls `onchange` when the theme may have changed (Settings pins one, or the OS switches); returns a stop. */
export function watchTheme(onchange: () => void, root: HTMLElement = document.documentElement): () => void {
  const observer = typeof MutationObserver === "function" ? new MutationObserver(onchange) : null;
  observer?.observe(root, { attributes: true, attributeFilter: ["data-theme"] });
  const media = typeof matchMedia === "function" ? matchMedia("(prefers-color-scheme: dark)") : null;
  media?.addEventListener("change", onchange);
  return () => {
    observer?.disconnect();
    media?.removeEventListener("change", onchange);
  };
}
