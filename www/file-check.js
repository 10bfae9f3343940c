// Opened from a file (a USB stick, a download) the explorer cannot start: browsers do not load
// WebAssembly modules and web workers from file:// pages. Say so plainly instead of
// "Loading..." forever, and name the single-file build (escape-dims-offline.html, made by
// scripts/single-file.mjs next to index.html), which works from a file.
// The single-file build inlines this script and marks <html data-single-file="1">: it stays quiet.
(function () {
  if (location.protocol !== 'file:') return;
  if (document.documentElement.hasAttribute('data-single-file')) return;
  var text = 'This page needs a web server: browsers do not run its WebAssembly from a file. ' +
    'Instead open escape-dims-offline.html from the same folder: that single file works from a ' +
    'file (make it with "node scripts/single-file.mjs dist" if it is missing). Or in this folder ' +
    'run "python3 -m http.server 8080" (or any static file server) and open ' +
    'http://127.0.0.1:8080/, or from the repository run "bash scripts/serve.sh".';
  var bar = document.getElementById('notice');
  var out = document.getElementById('notice-text');
  if (bar && out) {
    out.textContent = text;
    bar.hidden = false;
  }
  var status = document.getElementById('status');
  if (status) status.textContent = text;
  document.body.setAttribute('data-file', '1');
})();
