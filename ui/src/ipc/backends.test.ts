import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Backend } from "./types";

const listBackends = vi.fn<() => Promise<Backend[]>>();
const reorderBackends = vi.fn<(ids: string[]) => Promise<Backend[]>>();

vi.mock("../bindings", () => ({ events: {} }));
vi.mock("./api", () => ({ api: { listBackends: () => listBackends(), reorderBackends: (ids: string[]) => reorderBackends(ids) } }));

const { backends } = await import("./backends.svelte");
const { IpcFailure } = await import("./error");

const backend = (id: string): Backend => ({
  id,
  name: id,
  kind: "openAi",
  baseUrl: "",
  effectiveBaseUrl: "https://api.openai.com/v1",
  defaultModel: "gpt-4.1-mini",
  enabled: true,
  position: 0,
  status: "untested",
  keys: [],
  check: null,
  limits: { maxInFlight: 50, rpm: null, tpm: null },
  monitor: { probeIntervalS: 30, slaTargetBp: 9990, required: false, deepProbe: false },
});

describe("reordering", () => {
  beforeEach(async () => {
    listBackends.mockReset();
    reorderBackends.mockReset();
    listBackends.mockResolvedValueOnce([backend("a"), backend("b")]);
    await backends.reload();
  });

  it("sends the full new order and shows the answer", async () => {
    reorderBackends.mockResolvedValueOnce([backend("b"), backend("a")]);
    await backends.move("a", 1);
    expect(reorderBackends).toHaveBeenCalledWith(["b", "a"]);
    expect(backends.items.map((b) => b.id)).toEqual(["b", "a"]);
  });

  it("reloads the list on a conflict and still fails", async () => {
    reorderBackends.mockRejectedValueOnce(new IpcFailure({ kind: "conflict", message: "The list changed.", hint: null, issues: [] }));
    listBackends.mockResolvedValueOnce([backend("a"), backend("b"), backend("c")]);
    await expect(backends.move("a", 1)).rejects.toBeInstanceOf(IpcFailure);
    await vi.waitFor(() => expect(backends.items.map((b) => b.id)).toEqual(["a", "b", "c"]));
  });

  it("does not reload for other failures", async () => {
    reorderBackends.mockRejectedValueOnce(new IpcFailure({ kind: "internal", message: "boom", hint: null, issues: [] }));
    await expect(backends.move("a", 1)).rejects.toBeInstanceOf(IpcFailure);
    expect(listBackends).toHaveBeenCalledTimes(1);
  });
});
