import { mount } from "svelte";
import "./app.css";
import "./layout.css";
import "./controls.css";
import { applyTheme } from "./lib/theme";
import Root from "./Root.svelte";
import { panel } from "./panel/session.svelte";

// The OS theme before the first paint; App applies the saved choice once settings load.
applyTheme("system")(); // no watch: App takes over and follows the OS while the choice is System

const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from index.html");

// In a browser (the panel, `switchyard serve --ui`) the commands and events go over HTTP.
void panel.start();

export default mount(Root, { target });
