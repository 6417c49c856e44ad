import { describe, expect, it } from "vitest";
import { currencyDraft, currencyUnchanged, parseCurrencyDraft, rateText } from "./currency";

describe("display currency form", () => {
  it("saves the code in upper case with the typed rate", () => {
    expect(parseCurrencyDraft({ currency: " eur ", rate: "0,92" })).toEqual({ ok: true, settings: { currency: "EUR", perUsd: 0.92 } });
  });

  it("always saves US dollars at 1, whatever rate was left in the field", () => {
    expect(parseCurrencyDraft({ currency: "usd", rate: "3" })).toEqual({ ok: true, settings: { currency: "USD", perUsd: 1 } });
  });

  it("refuses a code that is not three letters and a rate of 0 or less", () => {
    const bad = parseCurrencyDraft({ currency: "EURO", rate: "0" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(["currency", "rate"]);
    expect(parseCurrencyDraft({ currency: "GBP", rate: "" }).ok).toBe(false);
  });

  it("knows when the form says what is saved", () => {
    expect(currencyUnchanged(currencyDraft({ currency: "EUR", perUsd: 0.92 }), { currency: "EUR", perUsd: 0.92 })).toBe(true);
    expect(currencyUnchanged({ currency: "EUR", rate: "0.9" }, { currency: "EUR", perUsd: 0.92 })).toBe(false);
  });

  it("states the rate in use, except for US dollars", () => {
    expect(rateText({ currency: "JPY", perUsd: 151.2 })).toBe("1 USD = 151.2 JPY");
    expect(rateText({ currency: "USD", perUsd: 1 })).toBeNull();
  });
});
