import { mount } from "svelte";
import "./app.css";
import "./layout.css";
import "./controls.css";
import { applyTheme } from "./lib/theme";
import App from "./App.svelte";

// The OS theme before the first paint; App applies the saved choice once settings load.
applyTheme("system")(); // no watch: App takes over and follows the OS while the choice is System

const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from index.html");

export default mount(App, { target });
