// The native (GTK) file dialogs the app opens, answered through X11 as a keyboard user would.
import { execFileSync } from "node:child_process";
import path from "node:path";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const artifacts = path.resolve(import.meta.dirname, "../artifacts");

/** The X11 id of the visible window titled exactly `title`, or null. */
function windowTitled(title) {
  try {
    const out = execFileSync("xdotool", ["search", "--onlyvisible", "--name", `^${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`], {
      encoding: "utf8", stdio: ["ignore", "pipe", "ignore"],
    });
    return out.trim().split("\n")[0] || null;
  } catch {
    return null;
  }
}

/**
 * Answers the native (GTK) file dialog titled `title` the way a keyboard user does: focus it,
 * Ctrl+L for the location field (a save dialog's name field has the focus already), select all,
 * type `file`, Enter. A dialog that has just mapped may drop the first keys, so a dialog still
 * open after a few seconds gets the same keys again. Resolves once the dialog is gone.
 */
export async function answerFileDialog(title, file, { save = false, timeoutMs = 20000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let id = null;
  while (id === null && Date.now() < deadline) {
    id = windowTitled(title);
    if (id === null) await sleep(100);
  }
  if (id === null) throw new Error(`no file dialog titled “${title}” appeared (screen: ${screen()})`);
  const xdo = (...args) => execFileSync("xdotool", args, { stdio: "ignore" });
  await sleep(500);
  while (Date.now() < deadline) {
    xdo("windowfocus", "--sync", id);
    if (!save) xdo("key", "--clearmodifiers", "ctrl+l");
    await sleep(200);
    xdo("key", "--clearmodifiers", "ctrl+a");
    xdo("type", "--delay", "15", file);
    await sleep(300);
    xdo("key", "Return");
    const attempt = Date.now() + 4000;
    while (Date.now() < attempt) {
      if (windowTitled(title) === null) return;
      await sleep(100);
    }
  }
  throw new Error(`the file dialog “${title}” did not close (screen: ${screen()})`);
}

/** Saves the whole X screen under tests/artifacts and returns its path, for an error message. */
function screen() {
  const shot = path.join(artifacts, `file-dialog-${Date.now()}.png`);
  try {
    execFileSync("import", ["-window", "root", shot], { stdio: "ignore" });
  } catch {
    // No screenshot; the error still says what happened.
  }
  return shot;
}
