// Core events of the gateway. The generated `events` object does not list these yet, so they are
// followed by name: tauri-specta names an event after its Rust type in kebab-case.
import { listen } from "@tauri-apps/api/event";
import { gateway, tokens } from "./gateway.svelte";
import { requests } from "./requests.svelte";
import type { RequestsRecorded } from "./types";

export const GATEWAY_EVENTS = {
  tokensChanged: "tokens-changed",
  requestsRecorded: "requests-recorded",
  gatewayHealthChanged: "gateway-health-changed",
} as const;

/** Subscribes to the gateway's events; resolves to an unsubscribe function. Safe outside Tauri. */
export async function listenToGatewayEvents(): Promise<() => void> {
  const offs: Array<() => void> = [];
  try {
    offs.push(await listen<null>(GATEWAY_EVENTS.tokensChanged, () => void tokens.reload()));
    offs.push(await listen<RequestsRecorded>(GATEWAY_EVENTS.requestsRecorded, () => requests.changed()));
    offs.push(await listen<null>(GATEWAY_EVENTS.gatewayHealthChanged, () => void gateway.reload()));
  } catch {
    // Not running inside Tauri (e.g. a plain browser preview): no events to follow.
  }
  return () => offs.forEach((off) => off());
}
