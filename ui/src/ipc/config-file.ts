// The configuration file from the window: export to a file chosen in the save dialog, and an import
// that is previewed first and applied with the approval of exactly what the preview listed. The page
// never names a path: files are chosen in dialogs the window's Rust side opens.
import { api } from "./api";
import { chooseFile } from "./dialog";
import { gatewaySettings } from "./gateway.svelte";
import type { ChosenFile, ConfigApproval, ConfigImport } from "./types";

const NOTHING_APPROVED: ConfigApproval = { hostChanges: [], exposureChanges: [] };

/** Asks where to save, writes the configuration (no keys) there; the path written, or null when cancelled. */
export async function exportConfig(): Promise<string | null> {
  const file = await chooseFile("export", "switchyard-config.toml");
  if (file === null) return null;
  return api.exportConfig(file.id);
}

/** Asks for a configuration file to import; null when cancelled. */
export function pickConfigFile(): Promise<ChosenFile | null> {
  return chooseFile("configFile");
}

/** What importing `file` would do, and what of it needs the user's approval. Nothing is written. */
export function previewConfig(file: ChosenFile): Promise<ConfigImport> {
  return api.importConfig(file.id, true, NOTHING_APPROVED);
}

/**
 * Imports `file` with `approved` (the lists the user saw). Not applied when the file now has
 * issues or changes beyond `approved`; the answer says which. Saved gateway settings are read
 * again (no event announces them).
 */
export async function applyConfig(file: ChosenFile, approved: ConfigApproval): Promise<ConfigImport> {
  const result = await api.importConfig(file.id, false, approved);
  if (result.applied) void gatewaySettings.reload();
  return result;
}
