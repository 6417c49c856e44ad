import { describe, expect, it } from "vitest";
import { ledgerRow } from "./test-fixtures";
import { NO_FILTERS, PAGE_SIZE, appendOlder, mergeNewest, routeNames, sameFilters, toQuery, toolNames } from "./requests-query";

const at = (n: number) => `2025-11-21T12:00:${String(n).padStart(2, "0")}Z`;

describe("filters to a query", () => {
  it("sends nothing for All", () => {
    expect(toQuery(NO_FILTERS)).toEqual({ backend: null, route: null, tokenName: null, inbound: null, failed: null, errorClass: null, before: null, limit: PAGE_SIZE });
  });

  it("maps backend, tool and status", () => {
    expect(toQuery({ backend: "Demo", status: "failed", tool: "cursor", route: "", api: "", error: "" })).toMatchObject({ backend: "Demo", tokenName: "cursor", failed: true, route: null, inbound: null });
    expect(toQuery({ ...NO_FILTERS, route: "fast" }).route).toBe("fast");
    expect(sameFilters(NO_FILTERS, { ...NO_FILTERS, route: "fast" })).toBe(false);
    expect(routeNames(["fast"], [], "old")).toEqual(["fast", "old"]);
    expect(toQuery({ ...NO_FILTERS, status: "ok" }).failed).toBe(false);
  });

  it("sends the API as the ledger's inbound value, and counts it as a filter", () => {
    expect(toQuery({ ...NO_FILTERS, api: "responses" }).inbound).toBe("responses");
    expect(toQuery({ ...NO_FILTERS, api: "count_tokens", status: "ok" })).toMatchObject({ inbound: "count_tokens", failed: false });
    expect(sameFilters(NO_FILTERS, { ...NO_FILTERS, api: "gemini" })).toBe(false);
    expect(sameFilters({ ...NO_FILTERS, api: "gemini" }, { ...NO_FILTERS, api: "gemini" })).toBe(true);
    expect(sameFilters(NO_FILTERS, { ...NO_FILTERS })).toBe(true);
  });

  it("sends the error class by the name the ledger stores, and counts it as a filter", () => {
    expect(toQuery({ ...NO_FILTERS, error: "no_candidate" }).errorClass).toBe("no_candidate");
    expect(sameFilters(NO_FILTERS, { ...NO_FILTERS, error: "upstream_5xx" })).toBe(false);
  });

  it("pages with before and a limit", () => {
    expect(toQuery(NO_FILTERS, at(5), 10)).toMatchObject({ before: at(5), limit: 10 });
  });
});

describe("merging pages", () => {
  it("takes a short first page as everything there is", () => {
    const shown = [ledgerRow("b", at(2)), ledgerRow("a", at(1))];
    const fresh = [ledgerRow("c", at(3)), ledgerRow("b", at(2))];
    expect(mergeNewest(fresh, shown, 5).map((r) => r.id)).toEqual(["c", "b"]);
  });

  it("keeps older pages already loaded below a full first page", () => {
    const shown = [ledgerRow("c", at(3)), ledgerRow("b", at(2)), ledgerRow("a", at(1))];
    const fresh = [ledgerRow("d", at(4)), ledgerRow("c", at(3))];
    expect(mergeNewest(fresh, shown, 2).map((r) => r.id)).toEqual(["d", "c", "b", "a"]);
  });

  it("appends an older page without duplicates", () => {
    const shown = [ledgerRow("c", at(3)), ledgerRow("b", at(2))];
    expect(appendOlder(shown, [ledgerRow("b", at(2)), ledgerRow("a", at(1))]).map((r) => r.id)).toEqual(["c", "b", "a"]);
  });
});

describe("tool names", () => {
  it("lists every token and tool seen, sorted, once", () => {
    const rows = [ledgerRow("a", at(1), { tokenName: "scripts" }), ledgerRow("b", at(2), { tokenName: null }), ledgerRow("c", at(3), { tokenName: "cursor" })];
    expect(toolNames(["cursor", "aider"], rows)).toEqual(["aider", "cursor", "scripts"]);
    expect(toolNames([], [], "gone")).toEqual(["gone"]);
  });
});
