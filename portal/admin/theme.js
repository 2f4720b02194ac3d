// Light/dark theme for the login and admin pages, following the portal's saved preference
// (the same localStorage key as the portal), else the system's preference.

/** The localStorage key the portal saves the theme under ("light" | "dark"). */
export const THEME_KEY = 'hop.theme';

/** The saved theme, or the system's preference when none is saved (or storage is blocked). */
export function savedTheme() {
  try {
    const saved = localStorage.getItem(THEME_KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    // storage disabled: fall back to the system preference
  }
  return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Applies `theme` to the page (theme.css keys off :root[data-theme]). */
export function applyTheme(theme) {
  document.documentElement.dataset.theme = theme === 'dark' ? 'dark' : 'light';
}

/** Applies and remembers `theme`, so the portal opens in it too. */
export function saveTheme(theme) {
  applyTheme(theme);
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // not remembered; still applied
  }
}
