// The providers' books resources: the report for the span shown, "Read now" then the report, a
// key choice then the report, and admin keys added or removed then listed again.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { reconciliation } from "./test-fixtures";
import type { AdminKey, BooksRead, KeyInput, Reconciliation } from "./types";

const booksReport = vi.fn<(days: number) => Promise<Reconciliation[]>>();
const booksRead = vi.fn<(days: number) => Promise<BooksRead[]>>();
const booksChooseKey = vi.fn<(b: string, p: string, k: string) => Promise<null>>();
const adminKeysList = vi.fn<() => Promise<AdminKey[]>>();
const adminKeyAdd = vi.fn<(b: string, key: KeyInput) => Promise<AdminKey>>();
const adminKeyRemove = vi.fn<(id: string) => Promise<null>>();

vi.mock("./api", () => ({
  api: {
    booksReport: (d: number) => booksReport(d),
    booksRead: (d: number) => booksRead(d),
    booksChooseKey: (b: string, p: string, k: string) => booksChooseKey(b, p, k),
    adminKeysList: () => adminKeysList(),
    adminKeyAdd: (b: string, key: KeyInput) => adminKeyAdd(b, key),
    adminKeyRemove: (id: string) => adminKeyRemove(id),
  },
}));

const { booksReport: report, adminKeys } = await import("./books.svelte");

const key: AdminKey = { id: "admin-1", backendId: "b1", backend: "OpenAI", label: "org", hint: "sk-admin-…wxyz", origin: "https://api.openai.com" };

describe("the providers' books", () => {
  beforeEach(() => {
    for (const f of [booksReport, booksRead, booksChooseKey, adminKeysList, adminKeyAdd, adminKeyRemove]) f.mockReset();
    booksReport.mockResolvedValue([reconciliation()]);
  });

  it("reads the report for the span shown, and again for a new span", async () => {
    await report.reload();
    expect(booksReport).toHaveBeenLastCalledWith(7);
    expect(report.value).toHaveLength(1);
    report.setDays(30);
    await vi.waitFor(() => expect(booksReport).toHaveBeenLastCalledWith(30));
    report.setDays(7);
  });

  it("reads the providers now, then the report; each failure is in its outcome", async () => {
    booksRead.mockResolvedValueOnce([{ backend: "OpenAI", provider: "openAi", lines: null, error: "refused (401)" }]);
    booksReport.mockResolvedValueOnce([reconciliation({ stale: "refused (401)" })]);
    const outcomes = await report.readNow();
    expect(booksRead).toHaveBeenCalledWith(7);
    expect(outcomes[0].error).toBe("refused (401)");
    expect(report.value[0].stale, "the report after the read").toBe("refused (401)");
  });

  it("saves a key choice, then reads the report", async () => {
    booksChooseKey.mockResolvedValueOnce(null);
    await report.chooseKey("b1", "pk1", "k-work");
    expect(booksChooseKey).toHaveBeenCalledWith("b1", "pk1", "k-work");
    expect(booksReport).toHaveBeenCalled();
  });

  it("adds and removes admin keys, listing them again after each", async () => {
    adminKeyAdd.mockResolvedValueOnce(key);
    adminKeysList.mockResolvedValueOnce([key]).mockResolvedValueOnce([]);
    const added = await adminKeys.add("b1", { label: "org", value: "sk-admin-secret" });
    expect(added.hint).toBe("sk-admin-…wxyz");
    expect(adminKeyAdd).toHaveBeenCalledWith("b1", { label: "org", value: "sk-admin-secret" });
    expect(adminKeys.of("b1")).toEqual([key]);
    expect(adminKeys.of("b2")).toEqual([]);
    adminKeyRemove.mockResolvedValueOnce(null);
    await adminKeys.remove("admin-1");
    expect(adminKeyRemove).toHaveBeenCalledWith("admin-1");
    expect(adminKeys.value).toEqual([]);
  });
});
