// Which core event refreshes which resource: the one table, subscribed once by the app
// (`listenToCoreEvents`). Every event of the generated bindings has a row, so an event added in
// Rust fails the type-check here until someone decides what it refreshes. A resource decides for
// itself whether a reload happens now (it reloads while a page watches it, once loaded, or always;
// chatty events are throttled per resource: see `resource.svelte.ts`).
import { events } from "../bindings";
import { backends } from "./backends.svelte";
import { adminKeys, booksReport } from "./books.svelte";
import { cacheStats, cacheToday } from "./cache.svelte";
import { budgets, currency, prices } from "./costs-settings.svelte";
import { costs, spendToday } from "./costs.svelte";
import { gateway, tokens } from "./gateway.svelte";
import { alertSettings, alerts, healthHistory, healthOverview } from "./monitor.svelte";
import { notifications } from "./notifications.svelte";
import { updates } from "./updates.svelte";
import { drills } from "./drills.svelte";
import { readiness } from "./readiness.svelte";
import { requests } from "./requests.svelte";
import { followEvents, type EventTable } from "./resource.svelte";
import { health, routes } from "./routes.svelte";
import { mySync } from "./sync.svelte";
import { keySweep, tools } from "./tools.svelte";
import { usageProjects, usageSources, usageWindows } from "./usage.svelte";

export const EVENT_TABLE: EventTable<typeof events> = {
  // Names, enabled backends, limits and uptime targets; candidates show their backend's name; the
  // key sweep's "already in keychain"; a deleted backend's admin keys and books.
  backendsChanged: [backends, routes, health, healthOverview, healthHistory, alerts, tools, keySweep, adminKeys, booksReport],
  // A key test finished (here, on the schedule or in the tray): show it before the list catches up.
  keyChecked: [(e) => backends.noteCheck(e.backendId, e.keyId, e.result)],
  routesChanged: [routes, tools],
  tokensChanged: [tokens, tools],
  // My machines: its settings changed or a pass ran (the records it took send their own events).
  syncChanged: [mySync],
  // Breakers and cool-downs moved.
  gatewayHealthChanged: [gateway, health, healthOverview],
  // New requests reached the ledger (in batches, often): every number they move, throttled.
  requestsRecorded: [requests, health, healthOverview, cacheStats, cacheToday, costs, spendToday, budgets, tools, usageSources, usageProjects, usageWindows, booksReport],
  // A monitored status changed.
  healthChanged: [healthOverview, healthHistory],
  // Alerts opened or resolved, or the alert settings changed.
  alertsChanged: [alerts, alertSettings],
  notificationsChanged: [notifications],
  // An update check ran (at start, from the tray or here) or an install failed.
  updatesChanged: [updates],
  // The window's install of an update: the progress bar.
  updateProgress: [(e) => updates.noteProgress(e)],
  // Cache settings saved or answers cleared.
  cacheChanged: [cacheStats, cacheToday],
  // Prices, budgets or the currency changed; budgets reload at once (only new requests are throttled).
  costsChanged: [costs, spendToday, currency, prices, () => budgets.changed({ now: true })],
  readinessProgress: [(e) => readiness.step(e.step)],
  // A run was stored, here or elsewhere (the tray).
  readinessFinished: [(e) => readiness.finished(e.runId)],
  drillProgress: [(e) => drills.progress(e.step)],
  // A drill run was stored or cancelled, here or by `switchyard drill`.
  drillsFinished: [() => drills.finished()],
};

/** Subscribes the whole table; resolves to the function that unsubscribes it. Safe outside Tauri. */
export function listenToCoreEvents(): Promise<() => void> {
  return followEvents(EVENT_TABLE, events);
}
