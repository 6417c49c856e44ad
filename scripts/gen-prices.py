#!/usr/bin/env python3
"""Generate crates/pricing/data/prices.json, Switchyard's bundled offline price table.

Reads LiteLLM's model_prices_and_context_window.json (USD per token) and keeps only:
  * text and embedding models: `mode` in {chat, responses, completion, embedding}, or no `mode`
    (LiteLLM's default, chat);
  * providers Switchyard talks to (litellm_provider in SUPPORTED_PROVIDERS);
  * entries with both an input and an output token price, except that an embedding entry
    without an output price is kept with output price 0 (written explicitly);
  * the price fields in PRICE_FIELDS plus `provider`, `max_input_tokens`, `max_output_tokens`,
    `mode` (omitted when chat, the default) and `supports_reasoning` (written only when true;
    absent means false).

The Rust loader (crates/pricing/src/parse.rs) applies the same rules to a full LiteLLM file.

Output is deterministic (sorted keys, no timestamps), one model per line so upgrades diff well:

  {"header":{...},
  "models":{
  "gpt-4o":{...},
  ...
  }}

Usage (from the repo root):
  python3 scripts/gen-prices.py [SOURCE_JSON] [--snapshot-date YYYY-MM-DD] [--out PATH]
Stdlib only.
"""

import argparse
import json
import math
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT / ".." / "shared" / "data" / "model_prices_and_context_window.json"
DEFAULT_OUT = REPO_ROOT / "crates" / "pricing" / "data" / "prices.json"
DEFAULT_SNAPSHOT_DATE = "2026-08-01"
FORMAT_VERSION = 1

# Must match `Provider::litellm_provider` in crates/pricing/src/provider.rs.
SUPPORTED_PROVIDERS = {"openai", "anthropic", "gemini", "mistral", "groq", "openrouter", "ollama"}
# Must match `Mode` in crates/pricing/src/info.rs. An absent `mode` means DEFAULT_MODE.
KEPT_MODES = {"chat", "responses", "completion", "embedding"}
DEFAULT_MODE = "chat"
# Must match the `field` module in crates/pricing/src/price.rs.
PRICE_FIELDS = (
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_input_token_cost",
    "cache_creation_input_token_cost",
    "cache_creation_input_token_cost_above_1hr",
    "output_cost_per_reasoning_token",
    "input_cost_per_token_above_200k_tokens",
    "output_cost_per_token_above_200k_tokens",
    "cache_read_input_token_cost_above_200k_tokens",
    "cache_creation_input_token_cost_above_200k_tokens",
    "cache_creation_input_token_cost_above_1hr_above_200k_tokens",
)
MAX_PRICE_PER_TOKEN = 1.0


def is_price(value):
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value < MAX_PRICE_PER_TOKEN
    )


def keep(key, entry):
    if key == "sample_spec" or not isinstance(entry, dict):
        return False
    if entry.get("litellm_provider") not in SUPPORTED_PROVIDERS:
        return False
    mode = mode_of(entry)
    if not isinstance(mode, str) or mode not in KEPT_MODES:
        return False
    return is_price(entry.get("input_cost_per_token")) and is_price(output_price(entry))


def mode_of(entry):
    mode = entry.get("mode")
    return DEFAULT_MODE if mode is None else mode


def output_price(entry):
    """The output price; embeddings produce no output tokens, so an unlisted one is 0."""
    value = entry.get("output_cost_per_token")
    if value is None and mode_of(entry) == "embedding":
        return 0.0
    return value


def trim(key, entry):
    out = {"provider": entry["litellm_provider"]}
    entry = {**entry, "output_cost_per_token": output_price(entry)}
    for field in PRICE_FIELDS:
        value = entry.get(field)
        if value is None:
            continue
        if not is_price(value):
            sys.exit(f"error: {key}: {field} = {value!r} is not a valid per-token price")
        out[field] = value
    for limit in ("max_input_tokens", "max_output_tokens"):
        value = entry.get(limit)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            out[limit] = value
    mode = mode_of(entry)
    if mode != DEFAULT_MODE:
        out["mode"] = mode
    # Only an explicit true counts, as in the Rust loader.
    if entry.get("supports_reasoning") is True:
        out["supports_reasoning"] = True
    return out


def render(models, snapshot_date, source_name):
    header = {
        "entries": len(models),
        "format": FORMAT_VERSION,
        "generator": "scripts/gen-prices.py",
        "snapshot_date": snapshot_date,
        "source": source_name,
        "units": "USD per token",
    }
    dump = lambda v: json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    lines = ['{"header":' + dump(header) + ",", '"models":{']
    keys = sorted(models)
    for i, key in enumerate(keys):
        comma = "," if i + 1 < len(keys) else ""
        lines.append(dump(key) + ":" + dump(models[key]) + comma)
    lines.append("}}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=str(DEFAULT_SOURCE))
    parser.add_argument("--snapshot-date", default=DEFAULT_SNAPSHOT_DATE)
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    args = parser.parse_args()

    with open(args.source, encoding="utf-8") as f:
        source = json.load(f)
    if not isinstance(source, dict):
        sys.exit("error: source is not a JSON object")

    models = {k: trim(k, v) for k, v in source.items() if keep(k, v)}
    text = render(models, args.snapshot_date, Path(args.source).name)
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: {len(models)} models, {len(text.encode())} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
