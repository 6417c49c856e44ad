export { api } from "./api";
export { IpcFailure, errorTitle, toIpcError } from "./error";
export { backends, checkSlot, listenToBackendEvents } from "./backends.svelte";
export { appInfo, keychain, kinds, reportFirstPaint, settings } from "./app.svelte";
export { pickFile } from "./dialog";
export type * from "./types";
