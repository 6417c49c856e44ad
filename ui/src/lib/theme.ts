import type { ThemeChoice } from "../ipc/types";

/** The OS preference, where the webview can tell it. */
function systemDark(): MediaQueryList | null {
  return typeof matchMedia === "function" ? matchMedia("(prefers-color-scheme: dark)") : null;
}

/**
 * Puts the theme in effect on <html> as `data-theme` ("light" or "dark"; tokens.css keys the dark
 * palette on it). System resolves `prefers-color-scheme` now and again whenever the OS switches;
 * returns a stop for that watch.
 */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): () => void {
  if (choice !== "system") {
    root.dataset.theme = choice;
    return () => {};
  }
  const media = systemDark();
  const follow = () => (root.dataset.theme = media?.matches ? "dark" : "light");
  follow();
  media?.addEventListener("change", follow);
  return () => media?.removeEventListener("change", follow);
}

/** Calls `onchange` when the theme in effect changed (Settings pins one, or the OS switches); returns a stop. */
export function watchTheme(onchange: () => void, root: HTMLElement = document.documentElement): () => void {
  const observer = typeof MutationObserver === "function" ? new MutationObserver(onchange) : null;
  observer?.observe(root, { attributes: true, attributeFilter: ["data-theme"] });
  return () => observer?.disconnect();
}
