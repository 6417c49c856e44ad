// Copy-paste examples for pointing tools at the gateway. Tokens appear only as $SWITCHYARD_TOKEN.
import type { GatewayStatus } from "../ipc/types";

export type GatewayUrls = { openai: string; anthropic: string };

export type SnippetId = "curl-openai" | "curl-anthropic" | "python-openai" | "node-openai" | "python-anthropic" | "env";

export type CodeSnippet = { id: SnippetId; label: string; language: "shell" | "python" | "javascript"; code: string };

/** Where the gateway usually listens; used in examples while it is not running. */
export const EXAMPLE_URLS: GatewayUrls = { openai: "http://127.0.0.1:4141/v1", anthropic: "http://127.0.0.1:4141" };

export const DEFAULT_EXAMPLE_MODEL = "demo-chat";

/** The two base URLs of a listening gateway, or null while it is not listening. */
export function gatewayUrls(status: GatewayStatus | null): GatewayUrls | null {
  if (!status) return null;
  const root = status.address ? `http://${status.address}` : null;
  const openai = status.openaiBaseUrl ?? (root && `${root}/v1`);
  const anthropic = status.anthropicBaseUrl ?? root;
  return openai && anthropic ? { openai, anthropic } : null;
}

/** Quotes text for a single-quoted shell string. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A string literal valid in both Python and JavaScript. */
function lit(text: string): string {
  return JSON.stringify(text);
}

const HELLO = [{ role: "user", content: "Hello!" }];

export function buildSnippets(urls: GatewayUrls, model: string): CodeSnippet[] {
  const m = model.trim() || DEFAULT_EXAMPLE_MODEL;
  const openaiBody = JSON.stringify({ model: m, messages: HELLO });
  const anthropicBody = JSON.stringify({ model: m, max_tokens: 1024, messages: HELLO });
  return [
    {
      id: "curl-openai",
      label: "curl (OpenAI)",
      language: "shell",
      code: [
        `curl ${urls.openai}/chat/completions \\`,
        `  -H "Authorization: Bearer $SWITCHYARD_TOKEN" \\`,
        `  -H "Content-Type: application/json" \\`,
        `  -d ${shellQuote(openaiBody)}`,
      ].join("\n"),
    },
    {
      id: "curl-anthropic",
      label: "curl (Anthropic)",
      language: "shell",
      code: [
        `curl ${urls.anthropic}/v1/messages \\`,
        `  -H "x-api-key: $SWITCHYARD_TOKEN" \\`,
        `  -H "anthropic-version: 2023-06-01" \\`,
        `  -H "Content-Type: application/json" \\`,
        `  -d ${shellQuote(anthropicBody)}`,
      ].join("\n"),
    },
    {
      id: "python-openai",
      label: "OpenAI Python",
      language: "python",
      code: [
        "import os",
        "from openai import OpenAI",
        "",
        `client = OpenAI(base_url=${lit(urls.openai)}, api_key=os.environ["SWITCHYARD_TOKEN"])`,
        "reply = client.chat.completions.create(",
        `    model=${lit(m)},`,
        `    messages=[{"role": "user", "content": "Hello!"}],`,
        ")",
        "print(reply.choices[0].message.content)",
      ].join("\n"),
    },
    {
      id: "node-openai",
      label: "OpenAI Node",
      language: "javascript",
      code: [
        `import OpenAI from "openai";`,
        "",
        `const client = new OpenAI({ baseURL: ${lit(urls.openai)}, apiKey: process.env.SWITCHYARD_TOKEN });`,
        "const reply = await client.chat.completions.create({",
        `  model: ${lit(m)},`,
        `  messages: [{ role: "user", content: "Hello!" }],`,
        "});",
        `process.stdout.write(reply.choices[0].message.content + "\\n");`,
      ].join("\n"),
    },
    {
      id: "python-anthropic",
      label: "Anthropic Python",
      language: "python",
      code: [
        "import os",
        "from anthropic import Anthropic",
        "",
        `client = Anthropic(base_url=${lit(urls.anthropic)}, api_key=os.environ["SWITCHYARD_TOKEN"])`,
        "message = client.messages.create(",
        `    model=${lit(m)},`,
        "    max_tokens=1024,",
        `    messages=[{"role": "user", "content": "Hello!"}],`,
        ")",
        "print(message.content[0].text)",
      ].join("\n"),
    },
    {
      id: "env",
      label: "CLI agents (env)",
      language: "shell",
      code: [
        "# Tools that speak the OpenAI API",
        `export OPENAI_BASE_URL=${shellQuote(urls.openai)}`,
        `export OPENAI_API_KEY="$SWITCHYARD_TOKEN"`,
        "",
        "# Tools that speak the Anthropic API (e.g. Claude Code)",
        `export ANTHROPIC_BASE_URL=${shellQuote(urls.anthropic)}`,
        `export ANTHROPIC_API_KEY="$SWITCHYARD_TOKEN"`,
      ].join("\n"),
    },
  ];
}
