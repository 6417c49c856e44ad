//! The one list of commands ([`for_each_command!`]) that both processes, the browser panel, the
//! bindings and the tests are generated from. A file command takes a [`crate::files::FileHandle`],
//! never a path (`tests.rs` walks the list and fails on one).

/// Calls `$then!` with every command the page invokes unchanged, as `name(arg: Type, …) -> Answer;`
/// (after `prefix;` when one is given). Types are named as [`types`] exports them. The core
/// process builds [`dispatch`] from it, the window process one forwarding Tauri command each; a
/// command added here exists in both.
#[macro_export]
macro_rules! for_each_command {
    ($then:ident $(, $prefix:ident)?) => {
        $then! {
            $($prefix;)?
            keychain_status() -> KeychainStatus;
            get_settings() -> UserSettings;
            /// What the last update check found.
            update_status() -> UpdateStatus;
            /// Checks for a newer Switchyard now; a failed check is in the answer's `error`.
            check_for_updates() -> UpdateStatus;
            /// Downloads and verifies `version` now (progress in `updateProgress`), to install it
            /// when Switchyard quits.
            install_update_on_quit(version: String) -> UpdateStatus;
            /// Installs nothing at Quit after all.
            cancel_update_on_quit() -> UpdateStatus;
            /// The window's install of `version` failed: it is not offered for installing again.
            update_install_failed(version: String, reason: String) -> ();
            backend_kinds() -> Vec<KindInfo>;
            list_backends() -> Vec<Backend>;
            /// Live validation for the add/edit dialog. Nothing is saved.
            validate_backend(draft: BackendDraft, editing_id: Option<String>, key: Option<KeyInput>) -> ValidationReport;
            create_backend(draft: BackendDraft, key: Option<KeyInput>) -> Backend;
            /// `approved_origin`: the new host the dialog said saving approves for the keys.
            update_backend(id: String, draft: BackendDraft, approved_origin: Option<String>) -> Backend;
            set_backend_enabled(id: String, enabled: bool) -> Backend;
            /// `ids` lists every backend once, in the new order.
            reorder_backends(ids: Vec<String>) -> Vec<Backend>;
            delete_backend(id: String) -> ();
            add_key(backend_id: String, key: KeyInput) -> Key;
            /// Live validation for the add-key dialog. Nothing is saved.
            validate_key(backend_id: String, key: KeyInput) -> ValidationReport;
            delete_key(key_id: String) -> ();
            /// The one command that returns a key: an explicit reveal the UI hides again after a few seconds.
            reveal_key(key_id: String) -> String;
            /// Zero-cost test of a key, or of a keyless backend when `keyId` is null.
            test_key(backend_id: String, key_id: Option<String>) -> Check;
            gateway_status() -> GatewayStatus;
            list_tokens() -> Vec<Token>;
            /// Creates a token for a tool; its value is in the answer once and never again.
            create_token(name: String) -> CreatedToken;
            /// Creates a scrape token (reads `GET /metrics` only); its value is in the answer once and never again.
            create_scrape_token(name: String) -> CreatedToken;
            revoke_token(id: String) -> Token;
            /// The newest ledger rows matching the filters.
            recent_requests(query: RequestQuery) -> Vec<RequestRecord>;
            get_gateway_settings() -> GatewaySettingsState;
            /// Pauses (every request answered 503) or resumes the gateway.
            set_gateway_paused(paused: bool) -> GatewayStatus;
            /// What saving these settings would open (validated; nothing saved): what the window asks before saving.
            preview_gateway_settings(settings: GatewaySettings) -> Vec<ExposureChange>;
            /// Saves the gateway settings (validated; nothing saved on error). They apply at the next start.
            /// `approved`: the changes the window's question listed; anything else it opens is refused.
            update_gateway_settings(settings: GatewaySettings, approved: Vec<ExposureChange>) -> GatewaySettingsState;
            /// Sets a backend's traffic limits (in flight, requests and tokens per minute).
            set_backend_limits(id: String, limits: BackendLimits) -> Backend;
            list_routes() -> Vec<RouteView>;
            /// Creates (`id` = null) or replaces a route; validated first, nothing saved on error.
            save_route(id: Option<String>, form: RouteForm) -> RouteView;
            delete_route(id: String) -> ();
            /// Live breaker, cool-down and latency of every enabled backend and key.
            gateway_health() -> Vec<BackendHealth>;
            /// Runs every readiness check (progress arrives as `readinessProgress` events).
            run_readiness() -> Readiness;
            /// Stored runs, newest first.
            readiness_history(limit: u32) -> Vec<Readiness>;
            /// Runs `drills` (all when empty) on a shadow of this configuration (no token spent);
            /// progress arrives as `drillProgress` events.
            run_drills(drills: Vec<DrillName>) -> Report;
            /// Stops a drill run after the drill it is in (nothing is stored).
            cancel_drills() -> ();
            /// Stored drill runs, newest first.
            drill_history(limit: u32) -> Vec<Report>;
            /// What a live drill of `route` would do and the most it can spend (nothing runs).
            live_drill_plan(route: String, requests: u32) -> LivePlan;
            /// The failover drill on `route`'s real providers: spends real tokens, so it runs only
            /// when `max_usd` is the maximum `live_drill_plan` shows.
            run_live_drill(route: String, requests: u32, max_usd: Option<f64>) -> Report;
            send_test_notification() -> ();
            notification_status() -> NotificationStatus;
            /// Probe interval, uptime target and whether readiness requires the backend.
            set_backend_monitor(id: String, monitor: MonitorSettings) -> Backend;
            /// Every enabled backend's health, from local data (never waits on the network).
            health_overview() -> Vec<BackendHealthView>;
            /// Chart buckets: hourly for a day or a week, daily for a month.
            health_history(backend_id: String, range: HealthRange) -> Vec<HealthBucket>;
            /// Probes every backend and key now (the refresh button).
            probe_all_now() -> ();
            /// Open alerts first, then the newest resolved ones.
            list_alerts(limit: u32) -> Vec<AlertView>;
            get_alert_settings() -> AlertSettings;
            /// Validates and saves the alert rules, cooldown and quiet hours; applies them at once.
            set_alert_settings(settings: AlertSettings) -> AlertSettings;
            /// Rule id → masked webhook URL.
            alert_webhooks() -> BTreeMap<String, String>;
            /// Sets (`url` = null: removes) a rule's Slack-compatible webhook. The URL goes to the keychain.
            set_alert_webhook(rule_id: String, url: Option<String>) -> BTreeMap<String, String>;
            /// Posts a test message to a rule's webhook.
            test_alert_webhook(rule_id: String) -> ();
            /// Entries, size, hit rate and savings, overall and per route; lookups count from `since`.
            cache_stats(since: String) -> CacheOverview;
            get_cache_settings() -> CacheSettings;
            /// Validated first; the switch and the lifetime apply at once, the sizes at the next start.
            set_cache_settings(settings: CacheSettingsForm) -> CacheSettings;
            /// Removes stored answers; returns how many.
            clear_cache(scope: CacheScope) -> f64;
            /// Totals, series, breakdowns and latency for a range (a reversed range is a typed error).
            costs_overview(range: CostRange, split: SplitBy) -> CostsOverview;
            get_cost_settings() -> CostSettings;
            /// The display currency and its rate per US dollar; validated first.
            set_cost_settings(settings: CostSettings) -> CostSettings;
            get_prices() -> PricesView;
            /// Sets the price of one model (USD per million tokens); new requests use it at once.
            set_price_override(price: PriceOverride) -> PricesView;
            remove_price_override(model: String) -> PricesView;
            /// Fetches a newer price file (`url` null: LiteLLM's price map), checks it and says what it
            /// would change; nothing is applied.
            check_price_update(url: Option<String>) -> PriceCheck;
            /// Applies the file the last check fetched (requests already recorded keep their cost).
            apply_price_update() -> PricesView;
            /// Back to the prices in force before the last apply.
            rollback_prices() -> PricesView;
            /// Back to the bundled prices (overrides stay).
            reset_price_file() -> PricesView;
            /// Prices the last `days` days of recorded requests again at the prices in force (only
            /// on the user's request: budgets, charts and exports follow).
            reprice_history(days: u32) -> RepriceReport;
            /// Spend in the range by source: the gateway's, then each tool's answers that bypassed it.
            usage_by_source(range: CostRange) -> Vec<UsageSourceRow>;
            /// Spend in the range by project: everything each repository cost, counted once.
            usage_by_project(range: CostRange) -> Vec<UsageSourceRow>;
            /// Each tool's subscription windows: the provider's figures where seen, else estimates.
            usage_windows() -> Vec<UsageWindowView>;
            /// Reads every tool's records again from the start (nothing is counted twice).
            rescan_usage() -> UsageScan;
            /// Models requested in the range that have no price.
            unpriced_models(range: CostRange) -> Vec<UnpricedModel>;
            /// Each backend with books or an admin key: the ledger beside the provider's books as
            /// last read, for the last `since_days` UTC days (no network).
            books_report(since_days: u16) -> Vec<Reconciliation>;
            /// Reads every provider's books with its admin key now; a failure is in its outcome.
            books_read(since_days: u16) -> Vec<BooksRead>;
            /// The organization admin keys (masked): used only to read usage and cost reports.
            admin_keys_list() -> Vec<AdminKey>;
            /// Stores an organization admin key for `backend_id` in the keychain; never used for a request.
            admin_key_add(backend_id: String, key: KeyInput) -> AdminKey;
            admin_key_remove(id: String) -> ();
            /// The user's choice: the provider's key `provider_key_id` is their key `key_id`.
            books_choose_key(backend_id: String, provider_key_id: String, key_id: String) -> ();
            /// Every budget with its spend this period and forecast.
            list_budgets() -> Vec<BudgetStatus>;
            /// Replaces every budget (validated as a whole; nothing saved on error).
            save_budgets(budgets: Vec<Budget>) -> Vec<BudgetStatus>;
            /// Every supported tool: installed (and its version), connected, and its usage today.
            list_tools() -> Vec<ToolInfo>;
            /// Route names, then each enabled backend's `Backend/model`, then their listed models.
            tool_model_choices() -> Vec<String>;
            /// A backend's model list as last read from its provider (never waits on the network).
            backend_models(backend_id: String) -> ModelList;
            /// Reads a backend's model list from its provider now; a failure is in `error`, with
            /// the last good list.
            refresh_backend_models(backend_id: String) -> ModelList;
            /// Resolves a model name as the gateway will and says whether it has a known price.
            check_model(model: String) -> ModelCheck;
            /// Connects (or reconnects) `tool` with its own gateway token; `model` null lets Switchyard pick;
            /// `team` true: to the attached team gateway, with a team token for the admin token's owner.
            connect_tool(tool: String, model: Option<String>, team: Option<bool>, way: Option<ConnectWay>) -> ToolResult;
            /// Undoes the keys connecting set (keeping any the user changed since) and revokes the token.
            disconnect_tool(tool: String) -> ToolResult;
            install_statusline() -> FilesChanged;
            /// Removes Switchyard's status line; the user's own one comes back.
            uninstall_statusline() -> FilesChanged;
            /// Every key moved out of a file, newest first.
            key_moves() -> Vec<MovedKey>;
            /// Puts a moved key's line back in its file.
            restore_key(move_id: String) -> MovedKey;
            /// The team gateway this desktop is attached to, if any.
            team_link() -> TeamLinkState;
            /// Attaches to the team replica at `url` with an admin token (kept in the keychain),
            /// after reading its overview with them; nothing is kept when that fails.
            attach_team(url: String, token: String) -> TeamOverview;
            /// Forgets the team gateway and its token (the local gateway is untouched).
            detach_team() -> ();
            /// The team as its replica sees it: sharing, backends, spend by person, budgets.
            team_overview() -> TeamOverview;
            /// Runs the readiness checks on the team's replica; its overview after them.
            run_team_readiness() -> TeamOverview;
            /// On a team replica (its browser panel): the team's overview and tokens (a person's
            /// session: their own, as the authorization table says; the caller decides, never the
            /// page).
            team_console() -> TeamConsole;
            /// On a team replica: a token for `owner`'s tool `name` (an admin token with `admin`,
            /// which only the replica's operator makes); its value is in the answer only.
            create_team_token(name: String, owner: String, admin: bool) -> CreatedTeamToken;
            /// On a team replica: revokes token `id` on every replica (as far as the caller may).
            revoke_team_token(id: String) -> ();
            /// My machines: what syncs, whether a database is set, the last pass.
            sync_status() -> SyncStatus;
            /// Saves what syncs; a new database address (null keeps the saved one) is tried
            /// first and kept in the keychain, and so is the space's key (null: the kept one,
            /// or a new one for an empty space, returned once in `newSpaceKey`). When on, a
            /// pass runs.
            save_sync(database_url: Option<String>, space_key: Option<String>, settings: SyncSettings) -> SyncStatus;
            /// The space's key, for the user to enter on another machine (an explicit reveal).
            reveal_space_key() -> String;
            /// Forgets the database's address and turns syncing off; records stay as they are.
            forget_sync() -> SyncStatus;
            /// Runs a pass now.
            sync_now() -> SyncStatus;
            /// Ends a conflict by keeping this machine's copy or the database's; then a pass runs.
            resolve_sync_conflict(kind: Kind, name: String, keep: Keep) -> SyncStatus;
            // Files are handles (`files.rs`): ids a native dialog or the panel handed out.
            /// Finds keys in the environment and, if given, a chosen `.env` file. Results are masked.
            scan_import(file: Option<FileHandle>) -> ImportScanResult;
            /// Imports the findings `ids` of the last scan of the same file.
            import_keys(file: Option<FileHandle>, ids: Vec<String>) -> ImportResult;
            /// Loads a chosen price file; a malformed one is refused with the reason.
            load_price_file(file: FileHandle) -> PricesView;
            /// Writes the ledger or its daily/hourly rollups for a range as CSV or JSON to a file
            /// chosen to save to or, when null, into the data folder's `exports/`; says where.
            export_usage(range: CostRange, kind: ExportKind, format: ExportFormat, file: Option<FileHandle>) -> ExportDone;
            /// Provider keys in shell profiles, the tools' files and the chosen `files`, masked.
            find_keys(files: Vec<FileHandle>) -> KeyScan;
            /// Tests finding `id` (from `find_keys` over the same files), stores it under `backend_id`
            /// (or the first backend of its kind, else a new one) and takes it out of its file.
            move_key(id: String, files: Vec<FileHandle>, backend_id: Option<String>) -> MovedKey;
            /// Writes stored readiness run `run_id`'s report as `format` to a file chosen to save
            /// to; answers with the file as the caller knows it.
            export_readiness_report(run_id: String, format: ReportFormat, file: FileHandle) -> String;
            /// Writes stored drill run `run_id`'s report as `format` to a file chosen to save to;
            /// answers with the file as the caller knows it.
            export_drill_report(run_id: String, format: ReportFormat, file: FileHandle) -> String;
            /// Writes the configuration (no secrets) as TOML to a file chosen to save to; answers
            /// with the file as the caller knows it.
            export_config(file: FileHandle) -> String;
            /// Previews (`dry_run`) or applies the chosen configuration file; applied only with no
            /// issue and every key-host and exposure change in `approved` (what the dialog showed).
            import_config(file: FileHandle, dry_run: bool, approved: ConfigApproval) -> ImportOutcome;
        }
    };
}
