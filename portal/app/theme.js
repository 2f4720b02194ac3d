// Light/dark theme: <html data-theme>, remembered in localStorage ('hop.theme'). Shared by the
// portal and the admin pages (theme-init.js applies the saved choice before first paint).

const KEY = 'hop.theme';
const listeners = new Set();

/** 'light' or 'dark' (what <html data-theme> currently says). */
export function currentTheme() {
  return document.documentElement.getAttribute('data-theme') === 'dark' ? 'dark' : 'light';
}

/** Applies and remembers `theme`, then tells every listener. */
export function setTheme(theme) {
  const value = theme === 'dark' ? 'dark' : 'light';
  document.documentElement.setAttribute('data-theme', value);
  try { localStorage.setItem(KEY, value); } catch { /* private mode: not remembered */ }
  for (const fn of listeners) fn(value);
}

/** Switches between light and dark. */
export function toggleTheme() {
  setTheme(currentTheme() === 'dark' ? 'light' : 'dark');
}

/** Calls `fn(theme)` after every change; returns an unsubscribe function. */
export function onThemeChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The value of a CSS custom property of the current theme (e.g. cssVar('--chart-1')). */
export function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** Wires a <button> as the theme toggle (label and aria-pressed follow the theme). */
export function bindThemeToggle(button) {
  const render = () => {
    const dark = currentTheme() === 'dark';
    button.textContent = dark ? 'Light mode' : 'Dark mode';
    button.setAttribute('aria-pressed', String(dark));
    button.title = 'Switch to ' + (dark ? 'light' : 'dark') + ' theme';
  };
  button.addEventListener('click', toggleTheme);
  onThemeChange(render);
  render();
}
