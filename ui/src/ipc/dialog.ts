import { open } from "@tauri-apps/plugin-dialog";
import { IpcFailure, toIpcError } from "./error";

/** Asks the OS for one file (any type). Resolves to its path, or null when cancelled. */
export async function pickFile(title: string): Promise<string | null> {
  try {
    const picked = await open({ title, multiple: false, directory: false });
    return typeof picked === "string" ? picked : null;
  } catch (e) {
    throw new IpcFailure(toIpcError(e));
  }
}
