import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deferred, movedKey } from "../test-support";
import { toolInfo } from "./test-fixtures";
import type { ConnectWay, FilesChanged, FoundKey, KeySweep, MovedKey, Subscription, ToolInfo, ToolResult } from "./types";

const listTools = vi.fn<() => Promise<ToolInfo[]>>();
const toolModelChoices = vi.fn<() => Promise<string[]>>();
const connectTool = vi.fn<(tool: string, model: string | null, team: boolean | null, way: ConnectWay | null) => Promise<ToolResult>>();
const disconnectTool = vi.fn<(tool: string) => Promise<ToolResult>>();
const installStatusline = vi.fn<() => Promise<FilesChanged>>();
const uninstallStatusline = vi.fn<() => Promise<FilesChanged>>();
const findKeys = vi.fn<(extra: string[]) => Promise<KeySweep>>();
const moveKey = vi.fn<(id: string, extra: string[], backendId: string | null) => Promise<MovedKey>>();
const keyMoves = vi.fn<() => Promise<MovedKey[]>>();
const restoreKey = vi.fn<(id: string) => Promise<MovedKey>>();

vi.mock("../bindings", () => ({ events: {} }));
vi.mock("./api", () => ({
  api: {
    listTools: () => listTools(),
    toolModelChoices: () => toolModelChoices(),
    connectTool: (t: string, m: string | null, team: boolean | null, way: ConnectWay | null) => connectTool(t, m, team, way),
    disconnectTool: (t: string) => disconnectTool(t),
    installStatusline: () => installStatusline(),
    uninstallStatusline: () => uninstallStatusline(),
    findKeys: (e: string[]) => findKeys(e),
    moveKey: (id: string, e: string[], b: string | null) => moveKey(id, e, b),
    keyMoves: () => keyMoves(),
    restoreKey: (id: string) => restoreKey(id),
  },
}));

const m = await import("./tools.svelte");
const { IpcFailure } = await import("./error");

const tool = toolInfo;

const FILES: FilesChanged = { changed: ["~/.claude/settings.json"], kept: [], backups: ["/data/backups/settings.json"] };

const finding: FoundKey = {
  id: "/home/u/.bashrc:3:OPENAI_API_KEY:sk-…abcd",
  path: "~/.bashrc",
  line: 3,
  variable: "OPENAI_API_KEY",
  kind: "openAi",
  masked: "sk-…abcd",
  inKeychain: false,
  goesTo: "a new OpenAI backend at https://api.openai.com",
};

const moved = movedKey;


const refusal = { kind: "validation" as const, message: "Unknown tool “vscode”.", hint: null, issues: [] };

describe("tools", () => {
  let stop: (() => void) | null = null;

  beforeEach(() => {
    vi.useFakeTimers();
    for (const f of [listTools, toolModelChoices, connectTool, disconnectTool, installStatusline, uninstallStatusline]) f.mockReset();
    listTools.mockResolvedValue([tool()]);
    toolModelChoices.mockResolvedValue(["fast", "OpenAI/gpt-4o-mini"]);
    m.tools.results = {};
  });
  afterEach(() => {
    stop?.();
    stop = null;
    vi.useRealTimers();
  });

  it("reads the tools and the model choices when the page opens", async () => {
    stop = m.tools.watch();
    await vi.advanceTimersByTimeAsync(0);
    expect(m.tools.items.map((t) => t.id)).toEqual(["claude-code"]);
    expect(m.tools.choices).toEqual(["fast", "OpenAI/gpt-4o-mini"]);
    expect(m.tools.loaded).toBe(true);
  });

  it("folds a burst of events into one reload per interval (each reload runs every tool's --version), and ignores them unwatched", async () => {
    m.tools.changed();
    expect(listTools).not.toHaveBeenCalled();
    stop = m.tools.watch();
    await vi.advanceTimersByTimeAsync(0);
    listTools.mockClear();
    for (let i = 0; i < 20; i++) m.tools.changed();
    expect(listTools).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(m.TOOLS_RELOAD_MS);
    expect(listTools).toHaveBeenCalledTimes(2);
  });

  it("connects with the picked model (blank: Switchyard picks), shows busy meanwhile, keeps the result and reloads", async () => {
    const answer = deferred<ToolResult>();
    connectTool.mockReturnValueOnce(answer.promise);
    const run = m.tools.connect("claude-code", "  ");
    expect(connectTool).toHaveBeenCalledWith("claude-code", null, false, null);
    expect(m.tools.busy["claude-code"]).toBe("connect");
    expect(await m.tools.connect("claude-code", "fast"), "a second click while busy does nothing").toBeUndefined();
    expect(connectTool).toHaveBeenCalledTimes(1);
    listTools.mockClear();
    answer.resolve({ files: FILES, tokenName: "claude-code", model: "fast", plan: null });
    await expect(run).resolves.toMatchObject({ action: "connect", tokenName: "claude-code" });
    expect(m.tools.busy["claude-code"]).toBeUndefined();
    expect(m.tools.results["claude-code"]?.files.changed).toEqual(["~/.claude/settings.json"]);
    expect(listTools, "the card shows the new state").toHaveBeenCalledTimes(1);
  });

  it("lets the core choose the way when none is picked: auto goes as null (the plan with overflow to keys when a sign-in is found)", async () => {
    connectTool.mockResolvedValue({ files: FILES, tokenName: "claude-code", model: null, plan: null });
    await m.tools.connect("claude-code", null);
    expect(connectTool).toHaveBeenLastCalledWith("claude-code", null, false, null);
    await m.tools.connect("claude-code", null, false, { way: "auto" });
    expect(connectTool, "auto and null mean the same to the core; one spelling goes over IPC").toHaveBeenLastCalledWith("claude-code", null, false, null);
  });

  it("passes the chosen way through to the core: the plan then keys, the plan only, the keys", async () => {
    const plan: Subscription = { vendor: "anthropic", host: "https://api.anthropic.com", overflow: { to: "keys" } };
    connectTool.mockResolvedValue({ files: FILES, tokenName: "claude-code", model: null, plan });
    const ways: ConnectWay[] = [{ way: "plan", overflow: { to: "keys" } }, { way: "plan", overflow: { to: "off" } }, { way: "keys" }];
    for (const way of ways) {
      await m.tools.connect("claude-code", "fast", true, way);
      expect(connectTool, `the way ${JSON.stringify(way)} reaches connectTool unchanged`).toHaveBeenLastCalledWith("claude-code", "fast", true, way);
    }
    expect(m.tools.results["claude-code"]?.plan, "the card's result says which plan way was connected").toEqual(plan);
  });

  it("passes a plan with overflow to a route through with the route's name", async () => {
    connectTool.mockResolvedValueOnce({ files: FILES, tokenName: "claude-code", model: null, plan: null });
    await m.tools.connect("claude-code", null, false, { way: "plan", overflow: { to: "route", route: "fast" } });
    expect(connectTool).toHaveBeenLastCalledWith("claude-code", null, false, { way: "plan", overflow: { to: "route", route: "fast" } });
  });

  it("passes the core's refusal on, typed, clears the busy state and the old result", async () => {
    disconnectTool.mockResolvedValueOnce({ files: FILES, tokenName: "claude-code", model: null, plan: null });
    await m.tools.disconnect("claude-code");
    connectTool.mockRejectedValueOnce(new IpcFailure(refusal));
    await expect(m.tools.connect("claude-code", null)).rejects.toMatchObject({ error: refusal });
    expect(m.tools.busy["claude-code"]).toBeUndefined();
    expect(m.tools.results["claude-code"]).toBeUndefined();
  });

  it("installs and removes Claude Code's status line", async () => {
    installStatusline.mockResolvedValueOnce(FILES);
    await expect(m.tools.statusline(true)).resolves.toMatchObject({ action: "installStatusline", files: FILES });
    uninstallStatusline.mockResolvedValueOnce({ changed: [], kept: [], backups: [] });
    await expect(m.tools.statusline(false)).resolves.toMatchObject({ action: "removeStatusline" });
    expect(installStatusline).toHaveBeenCalledTimes(1);
    expect(uninstallStatusline).toHaveBeenCalledTimes(1);
  });

  it("keeps the cards and reports the error when a reload fails", async () => {
    await m.tools.reload();
    listTools.mockRejectedValueOnce(new IpcFailure({ kind: "internal", message: "boom", hint: null, issues: [] }));
    await m.tools.reload();
    expect(m.tools.items).toHaveLength(1);
    expect(m.tools.error?.message).toBe("boom");
  });
});

describe("key sweep", () => {
  beforeEach(() => {
    for (const f of [findKeys, moveKey, keyMoves, restoreKey]) f.mockReset();
    findKeys.mockResolvedValue({ findings: [finding], problems: [] });
    keyMoves.mockResolvedValue([]);
    m.keySweep.extraFiles = [];
    m.keySweep.result = null;
  });

  it("scans with the chosen files' ids, each path once", async () => {
    await m.keySweep.scan();
    expect(findKeys).toHaveBeenLastCalledWith([]);
    await m.keySweep.addFile({ id: "file-1", path: "/p/.env" });
    await m.keySweep.addFile({ id: "file-2", path: "/p/.env" });
    expect(m.keySweep.extraFiles).toEqual([{ id: "file-1", path: "/p/.env" }]);
    expect(findKeys).toHaveBeenLastCalledWith(["file-1"]);
    await m.keySweep.removeFile("file-1");
    expect(findKeys).toHaveBeenLastCalledWith([]);
    expect(m.keySweep.result?.findings[0].masked).toBe("sk-…abcd");
  });

  it("lists a key once when an added file is one the scan reads anyway", async () => {
    findKeys.mockResolvedValueOnce({ findings: [finding, finding], problems: [] });
    await m.keySweep.addFile({ id: "file-3", path: "/home/u/.bashrc" });
    expect(m.keySweep.result?.findings).toEqual([finding]);
  });

  it("moves a finding with the files it was scanned with, then shows the history and scans again", async () => {
    await m.keySweep.addFile({ id: "file-1", path: "/p/.env" });
    m.keySweep.extraFiles = [
      { id: "file-1", path: "/p/.env" },
      { id: "file-2", path: "/q/.env" },
    ];
    moveKey.mockResolvedValueOnce(moved());
    keyMoves.mockResolvedValueOnce([moved({ tested: null })]);
    findKeys.mockResolvedValueOnce({ findings: [], problems: [] });
    await expect(m.keySweep.move(finding, null)).resolves.toMatchObject({ id: "m1" });
    expect(moveKey, "the id names a finding of the scan shown").toHaveBeenCalledWith(finding.id, ["file-1"], null);
    expect(m.keySweep.lastMoved?.tested).toBe("valid");
    expect(m.keySweep.moves.map((x) => x.id)).toEqual(["m1"]);
    expect(m.keySweep.result?.findings).toEqual([]);
    expect(m.keySweep.moving[finding.id]).toBeUndefined();
  });

  it("passes a refused move on, typed, and still refreshes", async () => {
    await m.keySweep.scan();
    const refused = { kind: "validation" as const, message: "The provider refused this key (401); it was left in the file.", hint: null, issues: [] };
    moveKey.mockRejectedValueOnce(new IpcFailure(refused));
    await expect(m.keySweep.move(finding, "b1")).rejects.toMatchObject({ error: refused });
    expect(moveKey).toHaveBeenCalledWith(finding.id, [], "b1");
    expect(keyMoves).toHaveBeenCalled();
    expect(m.keySweep.moving[finding.id]).toBeUndefined();
  });

  it("puts a moved key back and reads the history again", async () => {
    restoreKey.mockResolvedValueOnce(moved({ restored: true }));
    keyMoves.mockResolvedValueOnce([moved({ restored: true, tested: null })]);
    await expect(m.keySweep.restore("m1")).resolves.toMatchObject({ restored: true });
    expect(restoreKey).toHaveBeenCalledWith("m1");
    expect(m.keySweep.moves[0].restored).toBe(true);
    expect(findKeys, "no scan shown, none started").not.toHaveBeenCalled();
  });

  it("rescans on key changes only while the page shows a scan", async () => {
    m.keySweep.changed();
    expect(findKeys).not.toHaveBeenCalled();
    const stop = m.keySweep.watch();
    await m.keySweep.scan();
    findKeys.mockClear();
    m.keySweep.changed();
    expect(findKeys).toHaveBeenCalledTimes(1);
    stop();
    await vi.waitFor(() => expect(m.keySweep.scanning).toBe(false));
    m.keySweep.changed();
    expect(findKeys).toHaveBeenCalledTimes(1);
  });
});
