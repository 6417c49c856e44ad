// The browser panel's session (issue 58): whether this page runs in a browser against
// `switchyard serve --ui` rather than in the desktop app, and who it is signed in as. The page
// signs in with a panel token (the server keeps the session in an HttpOnly cookie and hands the
// page a CSRF value in another); a session that ends (signed out, its token revoked) brings the
// sign-in back. Nothing here sees a token after the sign-in call sent it.
import { installBrowserTransport, panelBase } from "../ipc/browser-transport";
import type { IpcError } from "../ipc/types";

export interface Who {
  name: string;
  scope: string;
  owner: string | null;
}

class PanelSession {
  /** True in a browser (the panel), false in the desktop app. */
  active = $state(false);
  /** Who the page is signed in as; null before sign-in or after the session ended. */
  who = $state<Who | null>(null);
  /** Where the panel runs: this machine's core, or a team replica. */
  place = $state<"desktop" | "replica">("desktop");
  /** Read the session yet (the page shows nothing until then). */
  checked = $state(false);
  /** The session ended while the page was open. */
  ended = $state(false);

  /** Installs the browser transport when there is no desktop app, then reads the session. */
  async start(win: Window = window): Promise<void> {
    this.active = installBrowserTransport(win, () => this.end());
    if (!this.active) {
      this.checked = true;
      return;
    }
    try {
      const res = await fetch(`${panelBase(win)}/api/session`, { credentials: "same-origin" });
      const body = res.ok ? await res.json() : null;
      if (body?.who) this.signedIn(body);
    } catch {
      // The server is away: the sign-in says so when it is tried.
    } finally {
      this.checked = true;
    }
  }

  private signedIn(body: { who: Who; place: "desktop" | "replica" }) {
    this.who = body.who;
    this.place = body.place;
    this.ended = false;
  }

  /** Signs in with `token`; rejects with the server's reason. */
  async signIn(token: string): Promise<void> {
    let res: Response;
    try {
      res = await fetch(`${panelBase()}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ token }),
      });
    } catch {
      throw new Error("The Switchyard panel's server cannot be reached: check that `switchyard serve --ui` still runs.");
    }
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const error = (body as { error?: IpcError } | null)?.error;
      throw new Error(error?.message ?? `The panel's server answered HTTP ${res.status}.`);
    }
    this.signedIn(body);
  }

  /** Signs this browser out. */
  async signOut(): Promise<void> {
    const csrf = document.cookie.split("; ").find((c) => c.startsWith("switchyard_csrf="))?.split("=")[1] ?? "";
    await fetch(`${panelBase()}/api/session`, {
      method: "DELETE",
      headers: { "x-switchyard-csrf": csrf },
      credentials: "same-origin",
    }).catch(() => undefined);
    this.who = null;
    this.ended = false;
  }

  /** The server said the session ended. */
  end() {
    if (!this.who) return;
    this.who = null;
    this.ended = true;
  }
}

export const panel = new PanelSession();
