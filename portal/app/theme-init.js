// Classic (non-module) script loaded in <head>: applies the remembered theme before first paint,
// so a dark-mode user never sees a white flash. The toggle itself lives in app/theme.js.
(function () {
  try {
    var saved = localStorage.getItem('hop.theme');
    var dark = saved ? saved === 'dark' : (window.matchMedia && matchMedia('(prefers-color-scheme: dark)').matches);
    document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
  } catch (e) {
    document.documentElement.setAttribute('data-theme', 'light');
  }
})();
