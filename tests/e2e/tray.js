// The core's tray icon, a StatusNotifierItem on the session bus, driven with gdbus as a tray host
// (a desktop's panel) does: GetLayout for the menu, Event "clicked" for a click.
import { execFileSync } from "node:child_process";

const gdbus = (...args) => execFileSync("gdbus", ["call", "--session", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** The bus name of the core's tray item (`org.kde.StatusNotifierItem-PID-N`), or null. */
export function trayName(pid) {
  const names = gdbus("--dest", "org.freedesktop.DBus", "--object-path", "/org/freedesktop/DBus", "--method", "org.freedesktop.DBus.ListNames");
  return names.match(new RegExp(`'(org\\.kde\\.StatusNotifierItem-${pid}-\\d+)'`))?.[1] ?? null;
}

/** The labels of the tray menu, in order (dbusmenu GetLayout). */
export function trayMenu(name) {
  const layout = gdbus("--dest", name, "--object-path", "/MenuBar", "--method", "com.canonical.dbusmenu.GetLayout", "0", "int32 -1", "@as []");
  return [...layout.matchAll(/\((\d+), \{[^}]*'label': <'([^']*)'>/g)].map((m) => ({ id: Number(m[1]), label: m[2] }));
}

/** Clicks the tray menu item labelled `label`, as a tray host does (dbusmenu Event "clicked"). */
export function clickTray(name, label) {
  const item = trayMenu(name).find((i) => i.label === label);
  if (!item) throw new Error(`no "${label}" in the tray menu: ${JSON.stringify(trayMenu(name))}`);
  gdbus("--dest", name, "--object-path", "/MenuBar", "--method", "com.canonical.dbusmenu.Event", String(item.id), "clicked", "<0>", "0");
}

/** The tray item's tooltip text (StatusNotifierItem `ToolTip`: icon name, pixmaps, title, text). */
export function trayTooltip(name) {
  const tip = gdbus("--dest", name, "--object-path", "/StatusNotifierItem", "--method", "org.freedesktop.DBus.Properties.Get",
    "org.kde.StatusNotifierItem", "ToolTip");
  // (<('', @a(iiay) [], 'Switchyard: healthy\nCodex 5-hour 82% (resets in 1 h 59 m)', '')>,)
  const title = tip.match(/\], '((?:[^'\\]|\\.)*)'/)?.[1] ?? "";
  return title.replace(/\\n/g, "\n");
}
