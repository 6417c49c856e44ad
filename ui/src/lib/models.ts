// Pure text for the model pickers: how old a backend's model list is (or why it could not be
// read), how a listed model is priced, and the options a picker's datalist offers.
import type { ListedModel, ModelList } from "../ipc/types";
import { relativeTime } from "./requests-format";

/** "2 models · read 3 h ago", "Model list never read", or the last refresh's failure. */
export function catalogueText(list: ModelList | undefined, now: number): string {
  if (!list) return "";
  const count = `${list.models.length} ${list.models.length === 1 ? "model" : "models"}`;
  if (list.fetchedAtMs === null) return list.error ? `Model list not read: ${list.error}` : "Model list never read";
  const read = `${count} · read ${relativeTime(new Date(list.fetchedAtMs).toISOString(), now)}`;
  return list.error ? `${read} · the last refresh failed: ${list.error}` : read;
}

/** The label a datalist shows next to a model id: its context and price, or "no price". */
export function modelLabel(m: ListedModel): string {
  const parts: string[] = [];
  if (m.name && m.name !== m.id) parts.push(m.name);
  if (m.contextTokens) parts.push(`${Math.round(m.contextTokens / 1000)}k context`);
  switch (m.pricing) {
    case "priced":
      if (m.pricePerMtok !== null) parts.push(`$${m.pricePerMtok.toFixed(2)}/M`);
      break;
    case "free":
      parts.push("free");
      break;
    case "listedOnly":
      parts.push(`no price in the table (listed $${(m.listedInputPerMtok ?? 0).toFixed(2)}/$${(m.listedOutputPerMtok ?? 0).toFixed(2)} per M)`);
      break;
    case "unknown":
      parts.push("no known price");
      break;
  }
  return parts.join(" · ");
}
