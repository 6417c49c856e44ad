import { beforeEach, describe, expect, it, vi } from "vitest";
import { deferred } from "../test-support";

type Masked = Record<string, string>;
const alertWebhooks = vi.fn<() => Promise<Masked>>();
const setAlertWebhook = vi.fn<(ruleId: string, url: string | null) => Promise<Masked>>();
const testAlertWebhook = vi.fn<(ruleId: string) => Promise<null>>();

vi.mock("./api", () => ({
  api: {
    alertWebhooks: () => alertWebhooks(),
    setAlertWebhook: (ruleId: string, url: string | null) => setAlertWebhook(ruleId, url),
    testAlertWebhook: (ruleId: string) => testAlertWebhook(ruleId),
  },
}));

const { alertWebhooks: hooks } = await import("./webhooks.svelte");
const { IpcFailure } = await import("./error");


const slack = { backendDown: "https://hooks.slack.com/…" };

describe("alert webhooks", () => {
  beforeEach(() => {
    alertWebhooks.mockReset();
    setAlertWebhook.mockReset();
    testAlertWebhook.mockReset();
    hooks.masked = {};
    hooks.tests = {};
    hooks.error = null;
  });

  it("reads the masked URLs", async () => {
    alertWebhooks.mockResolvedValueOnce(slack);
    await hooks.reload();
    expect(hooks.masked).toEqual(slack);
    expect(hooks.loaded).toBe(true);
    expect(hooks.error).toBeNull();
  });

  it("keeps the core's answer to a save over an older read still under way", async () => {
    const read = deferred<Masked>();
    alertWebhooks.mockReturnValueOnce(read.promise);
    const reading = hooks.reload();
    setAlertWebhook.mockResolvedValueOnce(slack);
    await expect(hooks.set("backendDown", "https://hooks.slack.com/services/T/B/secret")).resolves.toEqual(slack);
    read.resolve({});
    await reading;
    expect(hooks.masked).toEqual(slack);
    expect(setAlertWebhook).toHaveBeenCalledWith("backendDown", "https://hooks.slack.com/services/T/B/secret");
  });

  it("throws a refusal and changes nothing", async () => {
    hooks.masked = { ...slack };
    const error = { kind: "validation" as const, message: "invalid webhook URL: only http and https URLs are allowed", hint: null, issues: [] };
    setAlertWebhook.mockRejectedValueOnce(new IpcFailure(error));
    await expect(hooks.set("errorRate", "ftp://example.com/x")).rejects.toMatchObject({ error });
    expect(hooks.masked).toEqual(slack);
  });

  it("removes with null, forgetting the rule's last test", async () => {
    hooks.masked = { ...slack };
    testAlertWebhook.mockResolvedValueOnce(null);
    await hooks.test("backendDown");
    expect(hooks.tests.backendDown).toEqual({ ok: true });
    setAlertWebhook.mockResolvedValueOnce({});
    await hooks.set("backendDown", null);
    expect(setAlertWebhook).toHaveBeenCalledWith("backendDown", null);
    expect(hooks.masked).toEqual({});
    expect(hooks.tests.backendDown).toBeUndefined();
  });

  it("keeps each rule's test outcome, the typed reason included, without throwing", async () => {
    const error = { kind: "notificationsUnavailable" as const, message: "could not reach webhook http://127.0.0.1:9/…: refused", hint: null, issues: [] };
    const pending = deferred<null>();
    testAlertWebhook.mockReturnValueOnce(pending.promise);
    const sending = hooks.test("backendDown");
    expect(hooks.testing.backendDown).toBe(true);
    // A second click while the first post is under way sends nothing more.
    void hooks.test("backendDown");
    expect(testAlertWebhook).toHaveBeenCalledTimes(1);
    pending.reject(new IpcFailure(error));
    await expect(sending).resolves.toEqual({ ok: false, error });
    expect(hooks.testing.backendDown).toBeUndefined();
    expect(hooks.tests).toEqual({ backendDown: { ok: false, error } });
  });

  it("forgets test outcomes when the page opens again, and reloads", async () => {
    hooks.tests = { backendDown: { ok: true } };
    alertWebhooks.mockResolvedValueOnce(slack);
    const stop = hooks.watch();
    expect(hooks.tests).toEqual({});
    await vi.waitFor(() => expect(hooks.masked).toEqual(slack));
    stop();
  });

  it("keeps what it had when a reload fails, with the error", async () => {
    hooks.masked = { ...slack };
    alertWebhooks.mockRejectedValueOnce(new IpcFailure({ kind: "internal", message: "Something went wrong.", hint: null, issues: [] }));
    await hooks.reload();
    expect(hooks.masked).toEqual(slack);
    expect(hooks.error?.kind).toBe("internal");
  });
});
