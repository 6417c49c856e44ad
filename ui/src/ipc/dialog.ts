import { api } from "./api";
import type { ChosenFile, FilePurpose } from "./types";

/**
 * Asks the OS for a file through a dialog the window's Rust side opens (the page never names a
 * path). Resolves to the chosen file (an id for the file commands, its path to show), or null when
 * cancelled. `fileName` suggests a name in the save dialog.
 */
export function chooseFile(purpose: FilePurpose, fileName: string | null = null): Promise<ChosenFile | null> {
  return api.chooseFile(purpose, fileName);
}
