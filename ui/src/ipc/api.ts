// Thin typed wrappers over the generated commands: each returns its data or throws an
// `IpcFailure` carrying the typed `IpcError`. Never log arguments here: some carry keys.
import { commands } from "../bindings";
import { IpcFailure, toIpcError } from "./error";
import type {
  AlertItem,
  AlertSettings,
  AlertSettingsInput,
  AppInfo,
  Backend,
  BackendHealth,
  BackendHealthCard,
  BackendDraft,
  Budget,
  BudgetStatus,
  CacheClearScope,
  CostRange,
  CostSettings,
  CostSplit_,
  CostsOverview,
  ExportDone,
  ExportFormat,
  ExportKind,
  FilesChanged,
  KeySweep,
  MovedKey,
  PriceOverride,
  Prices,
  UnpricedModel,
  CacheSettings,
  CacheStats,
  Check,
  CreatedToken,
  GatewaySettingsForm,
  GatewaySettingsState,
  GatewayStatus,
  HealthPoint,
  HealthRange,
  ImportResult,
  ImportScanResult,
  IpcError,
  Key,
  KeyInput,
  KeychainStatus,
  KindInfo,
  LedgerRow,
  Limits,
  Monitor,
  NotificationStatus,
  Readiness,
  RequestQuery,
  Route,
  RouteForm,
  Token,
  ToolInfo,
  ToolResult,
  UserSettings,
  ValidationReport,
} from "./types";

type Res<T> = { status: "ok"; data: T } | { status: "error"; error: IpcError };

async function call<T>(run: () => Promise<Res<T>>): Promise<T> {
  let res: Res<T>;
  try {
    res = await run();
  } catch (e) {
    throw new IpcFailure(toIpcError(e));
  }
  if (res.status === "ok") return res.data;
  throw new IpcFailure(toIpcError(res.error));
}

export const api = {
  appInfo: (): Promise<AppInfo> => call(() => commands.appInfo()),
  reportFirstPaint: (): Promise<number> => call(() => commands.reportFirstPaint()),
  keychainStatus: (): Promise<KeychainStatus> => call(() => commands.keychainStatus()),
  backendKinds: (): Promise<KindInfo[]> => call(() => commands.backendKinds()),
  listBackends: (): Promise<Backend[]> => call(() => commands.listBackends()),
  validateBackend: (draft: BackendDraft, editingId: string | null, key: KeyInput | null): Promise<ValidationReport> =>
    call(() => commands.validateBackend(draft, editingId, key)),
  createBackend: (draft: BackendDraft, key: KeyInput | null): Promise<Backend> => call(() => commands.createBackend(draft, key)),
  updateBackend: (id: string, draft: BackendDraft): Promise<Backend> => call(() => commands.updateBackend(id, draft)),
  setBackendEnabled: (id: string, enabled: boolean): Promise<Backend> => call(() => commands.setBackendEnabled(id, enabled)),
  reorderBackends: (ids: string[]): Promise<Backend[]> => call(() => commands.reorderBackends(ids)),
  deleteBackend: (id: string): Promise<null> => call(() => commands.deleteBackend(id)),
  addKey: (backendId: string, key: KeyInput): Promise<Key> => call(() => commands.addKey(backendId, key)),
  /** Live validation of a key for an existing backend; nothing is saved. */
  validateKey: (backendId: string, key: KeyInput): Promise<ValidationReport> => call(() => commands.validateKey(backendId, key)),
  deleteKey: (keyId: string): Promise<null> => call(() => commands.deleteKey(keyId)),
  revealKey: (keyId: string): Promise<string> => call(() => commands.revealKey(keyId)),
  testKey: (backendId: string, keyId: string | null): Promise<Check> => call(() => commands.testKey(backendId, keyId)),
  scanImport: (envFile: string | null): Promise<ImportScanResult> => call(() => commands.scanImport(envFile)),
  importKeys: (envFile: string | null, ids: string[]): Promise<ImportResult> => call(() => commands.importKeys(envFile, ids)),
  getSettings: (): Promise<UserSettings> => call(() => commands.getSettings()),
  updateSettings: (settings: UserSettings): Promise<UserSettings> => call(() => commands.updateSettings(settings)),
  gatewayStatus: (): Promise<GatewayStatus> => call(() => commands.gatewayStatus()),
  setGatewayPaused: (paused: boolean): Promise<GatewayStatus> => call(() => commands.setGatewayPaused(paused)),
  listTokens: (): Promise<Token[]> => call(() => commands.listTokens()),
  /** The answer holds the token's value, once: show it, never store or log it. */
  createToken: (name: string): Promise<CreatedToken> => call(() => commands.createToken(name)),
  revokeToken: (id: string): Promise<Token> => call(() => commands.revokeToken(id)),
  /** Newest first. */
  recentRequests: (query: RequestQuery): Promise<LedgerRow[]> => call(() => commands.recentRequests(query)),
  getGatewaySettings: (): Promise<GatewaySettingsState> => call(() => commands.getGatewaySettings()),
  /** Validated by the core (nothing saved on error); the settings apply at the next start. */
  updateGatewaySettings: (settings: GatewaySettingsForm): Promise<GatewaySettingsState> => call(() => commands.updateGatewaySettings(settings)),
  /** Requests at once, requests and tokens per minute; validated by the core. */
  setBackendLimits: (id: string, limits: Limits): Promise<Backend> => call(() => commands.setBackendLimits(id, limits)),
  listRoutes: (): Promise<Route[]> => call(() => commands.listRoutes()),
  /** Creates (`id` = null) or replaces a route; nothing is saved when validation fails. */
  saveRoute: (id: string | null, form: RouteForm): Promise<Route> => call(() => commands.saveRoute(id, form)),
  deleteRoute: (id: string): Promise<null> => call(() => commands.deleteRoute(id)),
  /** Live breaker, cool-down and latency of every enabled backend and its keys. */
  gatewayHealth: (): Promise<BackendHealth[]> => call(() => commands.gatewayHealth()),
  /** Runs every readiness check (a few seconds: it probes every backend) and stores the run. */
  runReadiness: (): Promise<Readiness> => call(() => commands.runReadiness()),
  /** Stored runs, newest first (the core caps `limit` at 50). */
  readinessHistory: (limit: number): Promise<Readiness[]> => call(() => commands.readinessHistory(limit)),
  /** Throws `notificationsUnavailable` (with a hint) when the desktop cannot show it. */
  sendTestNotification: (): Promise<null> => call(() => commands.sendTestNotification()),
  notificationStatus: (): Promise<NotificationStatus> => call(() => commands.notificationStatus()),
  /** Probe interval, uptime target and whether readiness requires the backend; validated by the core. */
  setBackendMonitor: (id: string, monitor: Monitor): Promise<Backend> => call(() => commands.setBackendMonitor(id, monitor)),
  /** Every enabled backend's monitored health, from local data only (never waits on the network). */
  healthOverview: (): Promise<BackendHealthCard[]> => call(() => commands.healthOverview()),
  /** Chart buckets, oldest first: hourly for a day or a week, daily for a month. Local data only. */
  healthHistory: (backendId: string, range: HealthRange): Promise<HealthPoint[]> => call(() => commands.healthHistory(backendId, range)),
  /** Probes every backend and key now; resolves when the probes are done (a few seconds). */
  probeAllNow: (): Promise<null> => call(() => commands.probeAllNow()),
  /** Open alerts first, then the newest resolved ones (the core caps `limit` at 500). */
  listAlerts: (limit: number): Promise<AlertItem[]> => call(() => commands.listAlerts(limit)),
  getAlertSettings: (): Promise<AlertSettings> => call(() => commands.getAlertSettings()),
  /** Validated by the core (a refusal is a `validation` error and saves nothing); applies at once. */
  setAlertSettings: (settings: AlertSettingsInput): Promise<AlertSettings> => call(() => commands.setAlertSettings(settings)),
  /** Rule id → the masked URL of its webhook (`https://hooks.slack.com/…`); the URL itself is never sent back. */
  alertWebhooks: (): Promise<Record<string, string>> => call(() => commands.alertWebhooks()),
  /**
   * Sets (`url` = null: removes) a rule's webhook; the core validates the URL (https, or http only
   * to this machine: a refusal is a `validation` error and saves nothing) and keeps it in the OS
   * keychain. Resolves to every rule's masked URL. Never log `url`: it is a credential.
   */
  setAlertWebhook: (ruleId: string, url: string | null): Promise<Record<string, string>> => call(() => commands.setAlertWebhook(ruleId, url)),
  /** Posts a test message; throws `notificationsUnavailable` (why, URL masked) or `notFound`. */
  testAlertWebhook: (ruleId: string): Promise<null> => call(() => commands.testAlertWebhook(ruleId)),
  /** Entries and size now; lookups, hits and savings since `since` (RFC 3339), overall and per route. */
  cacheStats: (since: string): Promise<CacheStats> => call(() => commands.cacheStats(since)),
  getCacheSettings: (): Promise<CacheSettings> => call(() => commands.getCacheSettings()),
  /**
   * Validated by the core (a refusal is a `validation` error and saves nothing). The switch and the
   * lifetime apply at once, the sizes at the next start (`restartNeeded` in the stats).
   */
  setCacheSettings: (settings: CacheSettings): Promise<CacheSettings> => call(() => commands.setCacheSettings(settings)),
  /** Removes stored answers; resolves to how many. */
  clearCache: (scope: CacheClearScope): Promise<number> => call(() => commands.clearCache(scope)).then((n) => n ?? 0),
  /** Totals, series, breakdowns and latency for a range; a reversed range is a `validation` error. */
  costsOverview: (range: CostRange, split: CostSplit_): Promise<CostsOverview> => call(() => commands.costsOverview(range, split)),
  getCostSettings: (): Promise<CostSettings> => call(() => commands.getCostSettings()),
  setCostSettings: (settings: CostSettings): Promise<CostSettings> => call(() => commands.setCostSettings(settings)),
  getPrices: (): Promise<Prices> => call(() => commands.getPrices()),
  /** USD per million tokens; out-of-range prices are a `validation` error and save nothing. */
  setPriceOverride: (price: PriceOverride): Promise<Prices> => call(() => commands.setPriceOverride(price)),
  removePriceOverride: (model: string): Promise<Prices> => call(() => commands.removePriceOverride(model)),
  /** A malformed file is refused (`validation` or `file` error) and nothing changes. */
  loadPriceFile: (path: string): Promise<Prices> => call(() => commands.loadPriceFile(path)),
  resetPriceFile: (): Promise<Prices> => call(() => commands.resetPriceFile()),
  unpricedModels: (range: CostRange): Promise<UnpricedModel[]> => call(() => commands.unpricedModels(range)),
  listBudgets: (): Promise<BudgetStatus[]> => call(() => commands.listBudgets()),
  /** Replaces every budget (validated as a whole); resolves to their statuses. */
  saveBudgets: (budgets: Budget[]): Promise<BudgetStatus[]> => call(() => commands.saveBudgets(budgets)),
  /** `path` from the save dialog, or null for the data folder's `exports/`. */
  exportUsage: (range: CostRange, kind: ExportKind, format: ExportFormat, path: string | null): Promise<ExportDone> =>
    call(() => commands.exportUsage(range, kind, format, path)),
  listTools: (): Promise<ToolInfo[]> => call(() => commands.listTools()),
  toolModelChoices: (): Promise<string[]> => call(() => commands.toolModelChoices()),
  /** `model` null lets Switchyard pick; an unknown tool is a `validation` error. */
  connectTool: (tool: string, model: string | null): Promise<ToolResult> => call(() => commands.connectTool(tool, model)),
  disconnectTool: (tool: string): Promise<ToolResult> => call(() => commands.disconnectTool(tool)),
  installStatusline: (): Promise<FilesChanged> => call(() => commands.installStatusline()),
  uninstallStatusline: (): Promise<FilesChanged> => call(() => commands.uninstallStatusline()),
  /** Findings are masked; `extraFiles` are `.env` files to scan besides the usual ones. */
  findKeys: (extraFiles: string[]): Promise<KeySweep> => call(() => commands.findKeys(extraFiles)),
  /** `id` from `findKeys` over the same `extraFiles`; a key the provider refuses is not moved. */
  moveKey: (id: string, extraFiles: string[], backendId: string | null): Promise<MovedKey> => call(() => commands.moveKey(id, extraFiles, backendId)),
  keyMoves: (): Promise<MovedKey[]> => call(() => commands.keyMoves()),
  restoreKey: (moveId: string): Promise<MovedKey> => call(() => commands.restoreKey(moveId)),
};
