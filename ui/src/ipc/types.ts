// The IPC shapes, re-exported so that only `src/ipc/` imports the generated bindings.
// Types the core sends come in a `_Serialize` flavour (exactly what Rust emits); the UI uses those.
import type {
  UserSettings_Serialize,
  SyncStatus_Serialize,
  SyncSettings_Serialize,
  TeamLinkState_Serialize,
  TeamConsole_Serialize,
  CreatedTeamToken,
  TeamTokenRow,
  TeamOverview_Serialize,
  BudgetStatus_Serialize,
  CostSplit,
  CostsOverview_Serialize,
  PriceOverride_Serialize,
  CostSettings_Serialize,
  Prices_Serialize,
  AlertItem_Serialize,
  AlertRuleForm_Deserialize,
  AlertRuleForm_Serialize,
  AlertSettings_Deserialize,
  AlertSettings_Serialize,
  AppInfo_Serialize,
  Attempt_Serialize,
  BackendHealth_Serialize,
  BackendHealthCard_Serialize,
  Backend_Serialize,
  CacheRouteStats_Serialize,
  CacheStats_Serialize,
  CacheSettings_Serialize,
  Candidate_Serialize,
  Check_Serialize,
  CreatedToken_Serialize,
  FieldIssue_Serialize,
  GatewayStatus_Serialize,
  HealthPoint_Serialize,
  ImportFinding_Serialize,
  ImportScanResult_Serialize,
  IpcError_Serialize,
  KeyChecked_Serialize,
  Key_Serialize,
  KeychainStatus_Serialize,
  KeyLive_Serialize,
  KindInfo_Serialize,
  LedgerRow_Serialize,
  Limits_Serialize,
  LiveState_Serialize,
  NotificationStatus_Serialize,
  UpdateProgress_Serialize,
  UpdateStatus_Serialize,
  ProgressStep_Serialize,
  ReadinessBlocker_Serialize,
  ReadinessCheck_Serialize,
  ReadinessComponent_Serialize,
  Readiness_Serialize,
  RequestQuery_Deserialize,
  RouteCachePolicy_Serialize,
  Route_Serialize,
  GatewaySettingsForm_Serialize,
  ResilienceForm_Serialize,
  GatewaySettingsState_Serialize,
  RouteStrategy_Serialize,
  CandidateForm_Serialize,
  Token_Serialize,
  ToolInfo_Serialize,
  ToolResult_Serialize,
  MovedKey_Serialize,
  ValidationReport_Serialize,
  DrillStep_Serialize,
  ReportCase_Serialize,
  ReportMeasurement_Serialize,
  ReportTimeline as ReportTimelineBinding,
  ReportSuite_Serialize,
  RunReport_Serialize,
  LiveDrillPlan_Serialize,
  UsageWindowView_Serialize,
  LiveHeadroom_Serialize,
  ModelCheck_Serialize,
  ModelList_Serialize,
  ListedModel_Serialize,
  Reconciliation_Serialize,
  AdminKey as AdminKeyBinding,
  BooksRead_Serialize,
} from "../bindings";

export type {
  Auth,
  BackendDraft,
  Breaker,
  CacheClearScope,
  ChosenFile,
  Drill,
  ComponentState,
  EnvProblem,
  ErrorClassName,
  ErrorKind,
  FieldName,
  FilePurpose,
  FixAction,
  ImportResult,
  InboundApi,
  IssueSeverity,
  KeyInput,
  Kind,
  Monitor,
  NotificationProblem,
  Outcome,
  PreviousReadiness,
  QuietHoursForm as QuietHours,
  Range as HealthRange,
  RouteCacheMode,
  RouteForm,
  Status,
  ReportFormat,
  ThemeChoice,
  Verdict,
} from "../bindings";

export type AppInfo = AppInfo_Serialize;
/** The Settings page's values as the core sends them (every field present). */
export type UserSettings = UserSettings_Serialize;
export type TeamLinkState = TeamLinkState_Serialize;
export type TeamConsole = TeamConsole_Serialize;
export type { CreatedTeamToken, TeamTokenRow };
export type SyncStatus = SyncStatus_Serialize;
export type SyncPass = NonNullable<SyncStatus_Serialize["last"]>;
export type SyncConflict = SyncPass["conflicts"][number];
export type { SyncKeep, SyncKind } from "../bindings";
/** What syncs, and where, as saved (and as Settings → My machines submits it). */
export type SyncSettings = SyncSettings_Serialize;
export type TeamOverview = TeamOverview_Serialize;
export type Backend = Backend_Serialize;
export type Check = Check_Serialize;
export type FieldIssue = FieldIssue_Serialize;
export type ImportFinding = ImportFinding_Serialize;
export type ImportScanResult = ImportScanResult_Serialize;
export type IpcError = IpcError_Serialize;
export type Key = Key_Serialize;
export type KeyChecked = KeyChecked_Serialize;
export type KeychainStatus = KeychainStatus_Serialize;
export type KindInfo = KindInfo_Serialize;
/** A backend's traffic limits; `null` per-minute limits mean none. */
export type Limits = Limits_Serialize;
export type ValidationReport = ValidationReport_Serialize;
export type GatewayStatus = GatewayStatus_Serialize;
/** The gateway settings as saved (and as the Gateway page submits them). */
export type GatewaySettingsForm = GatewaySettingsForm_Serialize;
export type ResilienceForm = ResilienceForm_Serialize;
export type GatewaySettingsState = GatewaySettingsState_Serialize;
export type Token = Token_Serialize;
export type CreatedToken = CreatedToken_Serialize;
export type LedgerRow = LedgerRow_Serialize;
export type Attempt = Attempt_Serialize;
export type Route = Route_Serialize;
export type Candidate = Candidate_Serialize;
/** How a route orders its candidates (a composite strategy carries its three weights). */
export type RouteStrategy = RouteStrategy_Serialize;
export type CandidateForm = CandidateForm_Serialize;
export type BackendHealth = BackendHealth_Serialize;
export type KeyLive = KeyLive_Serialize;
export type LiveState = LiveState_Serialize;
/** What the UI sends: every filter optional. */
export type RequestQuery = RequestQuery_Deserialize;
/** Payload of the `requests-recorded` event (see `events-table.ts`). */
export type { RequestsRecorded } from "../bindings";
/** A finished readiness run: verdict, score (0–10), components with their checks, blockers. */
export type Readiness = Readiness_Serialize;
export type ReadinessComponent = ReadinessComponent_Serialize;
export type ReadinessCheck = ReadinessCheck_Serialize;
export type ReadinessBlocker = ReadinessBlocker_Serialize;
/** Payload of the `readiness-progress` event, unwrapped: `done` = 0 when a run starts. */
export type ProgressStep = ProgressStep_Serialize;
export type NotificationStatus = NotificationStatus_Serialize;
export type UpdateStatus = UpdateStatus_Serialize;
export type UpdateProgress = UpdateProgress_Serialize;
/** A backend's monitored health for the Overview: status with reasons, uptime, latency, SLA, today's traffic. */
export type BackendHealthCard = BackendHealthCard_Serialize;
/** A health card's `status`, as the monitor judges it (generated from the Rust enum). */
export type { HealthStatus } from "../bindings";
/** One bucket of a health chart: an hour (24 h, 7 d) or a day (30 d). */
export type HealthPoint = HealthPoint_Serialize;
export type AlertItem = AlertItem_Serialize;
/** One alert rule as the core sends it: the fields its `kind` uses, the others absent. */
export type AlertRuleForm = AlertRuleForm_Serialize;
export type AlertRuleInput = AlertRuleForm_Deserialize;
/** Alert rules, cooldown and quiet hours as saved. */
export type AlertSettings = AlertSettings_Serialize;
/** What `setAlertSettings` takes. */
export type AlertSettingsInput = AlertSettings_Deserialize;
/** The Cache page's numbers: settings, entries and size now, lookups, hits and savings since `since`. */
export type CacheStats = CacheStats_Serialize;
/** The cache settings as saved (and as the Cache page submits them). */
export type CacheSettings = CacheSettings_Serialize;
/** One route's (or, with `route` "", every route's) cache numbers. */
export type CacheRouteStats = CacheRouteStats_Serialize;
/** A route's cache mode and lifetime (`ttlSecs` null: the cache's default). */
export type RouteCachePolicy = RouteCachePolicy_Serialize;

// Costs page. A CostRange is Unix ms with the user's UTC offset in minutes east (UTC+02:00 is 120).
export type {
  Budget,
  BudgetScope,
  CostRange,
  ExportDone,
  ExportFormat,
  ExportKind,
  LatencyStats,
  SeriesPoint,
  UnpricedModel,
  UsageTotals,
} from "../bindings";
export type CostSplit_ = CostSplit;
export type CostsOverview = CostsOverview_Serialize;
export type PriceOverride = PriceOverride_Serialize;
export type CostSettings = CostSettings_Serialize;
export type Prices = Prices_Serialize;
export type BudgetStatus = BudgetStatus_Serialize;

// Tools page.
/** A supported coding tool's id (`claude-code`, `codex`, …), as the core and the CLI spell it. */
export type { ToolName } from "../bindings";
/** What a connect, disconnect or status-line change did to the files. */
export type { FilesChanged } from "../bindings";
/** A provider key found in a file, masked (no field could carry the key itself), and a scan's result. */
export type { FoundKey, KeySweep } from "../bindings";
/** One tool as its card shows it: installed and version, connected, its files and usage today. */
export type ToolInfo = ToolInfo_Serialize;
/** What a connect or disconnect did: files written, keys kept as the user changed them, the token. */
export type ToolResult = ToolResult_Serialize;
/**
 * A tool's own vendor plan (issue 74): how a connected tool's plan is used (`Subscription`), where
 * its requests go when the plan's window is used up (`Overflow`), and how Connect is asked to
 * connect it (`ConnectWay`; null or `auto`: the plan with overflow to the keys when a sign-in is found).
 */
export type { ConnectWay, Overflow, PlanSpend, Subscription, Vendor } from "../bindings";
/** A key moved from a file into the keychain, or put back. Masked. */
export type MovedKey = MovedKey_Serialize;
export type DrillStep = DrillStep_Serialize;
export type RunReport = RunReport_Serialize;
/** What a live drill would do and the most it can spend, shown before the user confirms. */
export type LiveDrillPlan = LiveDrillPlan_Serialize;
export type ReportSuite = ReportSuite_Serialize;
export type ReportCase = ReportCase_Serialize;
export type ReportMeasurement = ReportMeasurement_Serialize;
export type ReportTimeline = ReportTimelineBinding;

// Model catalogues.
/** A backend's model list as its provider last gave it, with the time read (null: never). */
export type ModelList = ModelList_Serialize;
/** One listed model, priced as the ledger will price it. */
export type ListedModel = ListedModel_Serialize;
/** What choosing a model means for cost: where it goes and, if needed, a warning to show. */
export type ModelCheck = ModelCheck_Serialize;
export type { ModelPricing } from "../bindings";

// Configuration file (Settings page) and token scopes (Gateway page).
/** An import's preview or outcome; `hostChanges` and `exposureChanges` need the user's approval. */
export type { ConfigApproval, ConfigChange, ConfigImport, ConfigIssue, GatewayExposureChange, KeyHostChange, TokenScope } from "../bindings";

// What the coding tools spent by their own records (Costs page, Overview), and a key's rate-limit headroom.
/** One source's spend: the gateway, or a tool's answers that bypassed it. */
export type { UsageSourceRow } from "../bindings";
/** A subscription window: used, its reset, the provider's figure or an estimate. */
export type UsageWindowView = UsageWindowView_Serialize;
export type { UsageScan } from "../bindings";
/** What a provider's rate-limit headers said about a key or backend. */
export type LiveHeadroom = LiveHeadroom_Serialize;
/** What a fetched price file would change, before it is applied. */
export type { PriceCheckView } from "../bindings";

// The providers' own books (issue 75): the Costs page's Reconcile card and the Backends page's admin keys.
/** One backend's ledger beside its provider's books, by day, with the unrouted usage and key matches. */
export type Reconciliation = Reconciliation_Serialize;
export type ReconciledDay = Reconciliation["days"][number];
export type Unrouted = Reconciliation["unrouted"][number];
/** A provider's key and which of the user's keys it is (`candidates`: several fit; the user chooses). */
export type KeyMatch = Reconciliation["keys"][number];
/** One side of a comparison: requests, tokens by category, cost. */
export type Side = ReconciledDay["ledger"];
export type BookTokens = Side["tokens"];
export type BooksProvider = Reconciliation["provider"];
/** An organization admin key as shown (masked, with the one origin it is sent to). */
export type AdminKey = AdminKeyBinding;
/** What reading one backend's books came to: lines read, or why not. */
export type BooksRead = BooksRead_Serialize;
