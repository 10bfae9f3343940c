#!/usr/bin/env node
// Builds the single-file explorer: node scripts/single-file.mjs <distdir>
//
// Reads <distdir>/index.html as `trunk build --release` wrote it and writes
// <distdir>/escape-dims-offline.html, one self-contained file that works when opened from a file
// (file://, e.g. from a USB stick), where browsers refuse to fetch wasm and worker scripts:
//   - every stylesheet <link> becomes a <style>, the favicon a data: URL;
//   - modulepreload/preload links and integrity attributes go;
//   - the wasm-bindgen glue (an ES module, --target web) is inlined into the module script, its
//     `export`s turned into plain declarations, and started from the wasm bytes (base64, in
//     window.__escapeDimsWasm);
//   - the page's workers run the same glue and the page's compiled module, which the page sends
//     them (src/web/worker_entry.rs, src/web/workers.rs): the wasm's base64 is in the file
//     once, and the complete classic worker script is put in window.escapeDimsWorkerSource
//     before the app starts; src/web/workers.rs builds its workers from it;
//   - file-check.js is inlined, and <html data-single-file="1"> tells it not to show its
//     "needs a web server" notice;
//   - the served pages' Content-Security-Policy (scripts/csp.mjs) is replaced by the single
//     file's own: the hashes of its inline scripts and styles, 'wasm-unsafe-eval' and blob:
//     workers, no 'self' (which file:// pages do not reliably have), never 'unsafe-inline'.
// Plain Node 20, no dependencies. Any surprise in the input (a Trunk or wasm-bindgen change)
// stops it with a message and exit code 1 rather than writing a broken file.

import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { CspError, SINGLE_FILE, policiesIn, withPolicy } from './csp.mjs';

/** The output file's name (also named by www/file-check.js and README.md). */
const OUTPUT = 'escape-dims-offline.html';
/** The global that holds the worker script (src/web/workers.rs: INLINE_WORKER_GLOBAL). */
const WORKER_GLOBAL = 'escapeDimsWorkerSource';
/** The global that holds the page's wasm in base64, for the page and its workers alike. */
const WASM_GLOBAL = '__escapeDimsWasm';

/** Stops with a clear message (exit code 1). */
function fail(message) {
  console.error(`single-file: ${message}`);
  console.error('single-file: no file written (the input is missing or not of the shape this script expects).');
  process.exit(1);
}

/** Asserts `cond`, else fails with `message`. */
function check(cond, message) {
  if (!cond) fail(message);
}

/**
 * How Trunk's URLs start: "./" (Trunk.toml's public_url), or an absolute public URL such as
 * "/explorer/" (test.sh's SUBPATH); either names a file at the top of the dist folder.
 */
const PREFIX = String.raw`(?:\./|/(?:[A-Za-z0-9._~%-]+/)*)?`;

/** A file of the dist folder named by a page URL such as "./style.css" (no sub-folders, no hosts). */
function distFile(dist, href, what) {
  const m = href.match(new RegExp(`^${PREFIX}([A-Za-z0-9._-]+)$`));
  check(m, `${what}: unexpected href ${JSON.stringify(href)} (expected a file next to index.html)`);
  const path = join(dist, m[1]);
  check(existsSync(path), `${what}: ${path} does not exist`);
  return path;
}

/** The value of attribute `name` in the tag text `tag`, or null. */
function attr(tag, name) {
  const m = tag.match(new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'));
  return m ? (m[2] ?? m[3] ?? m[4]) : null;
}

/** Text that can sit inside a <script> or <style> element unchanged, or fails. */
function safeRaw(text, closer, what) {
  check(!new RegExp(`</${closer}`, 'i').test(text), `${what} contains "</${closer}": cannot inline it`);
  check(!text.includes('<!--'), `${what} contains "<!--": cannot inline it`);
  return text;
}

/** A JavaScript string literal of `text` that is safe inside a <script> element. */
function scriptString(text) {
  return JSON.stringify(text)
    .replace(/<\//g, '<\\/')
    .replace(/<!--/g, '<\\!--')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Decodes base64 to bytes; the same function text is used on the page and in the worker. */
const B64_FUNCTION =
  'function __escapeDimsBytes(b64) { const s = atob(b64); const u = new Uint8Array(s.length); ' +
  'for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i); return u; }';

/**
 * The wasm-bindgen ES module glue with its `export`s turned into declarations, wrapped in a
 * function that returns { init, bindings } (bindings: what `import * as` would give).
 */
function inlineGlue(glue, what) {
  check(!/^\s*import\s/m.test(glue), `${what} imports other modules (wasm-bindgen snippets?): not supported`);
  check(/async function __wbg_init\b/.test(glue), `${what} has no __wbg_init (not wasm-bindgen --target web glue?)`);
  const names = [];
  let defaultName = null;
  const out = glue.split('\n').map((line) => {
    let m;
    if ((m = line.match(/^export\s+((?:async\s+)?function\*?\s+([A-Za-z_$][\w$]*))/))) {
      names.push(m[2]);
      return line.replace(/^export\s+/, '');
    }
    if ((m = line.match(/^export\s+(class\s+([A-Za-z_$][\w$]*))/))) {
      names.push(m[2]);
      return line.replace(/^export\s+/, '');
    }
    if ((m = line.match(/^export\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)/))) {
      names.push(m[1]);
      return line.replace(/^export\s+/, '');
    }
    if ((m = line.match(/^export\s*\{([^}]*)\};?\s*$/))) {
      for (const part of m[1].split(',').map((s) => s.trim()).filter(Boolean)) {
        const pm = part.match(/^([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$/);
        check(pm, `${what}: cannot read export list entry ${JSON.stringify(part)}`);
        const [, local, exported = local] = pm;
        if (exported === 'default') defaultName = local;
        else names.push(local === exported ? local : `${exported}: ${local}`);
      }
      return '';
    }
    check(!/^\s*export\b/.test(line), `${what}: unexpected export statement: ${line.trim()}`);
    return line;
  });
  check(defaultName === '__wbg_init', `${what}: its default export is ${defaultName}, not __wbg_init`);
  check(names.length > 0, `${what}: no named exports found`);
  const body = safeRaw(out.join('\n'), 'script', what);
  return (
    `const __escapeDimsGlue = (() => {\n${body}\n` +
    `return { init: __wbg_init, bindings: Object.freeze({ __proto__: null, ${names.join(', ')}, default: __wbg_init }) };\n` +
    '})();\n'
  );
}

/**
 * The complete worker script: the page's glue made a classic script (its `import.meta.url`,
 * used only when no wasm is given, becomes the worker's location), which waits for its first
 * message, the page's compiled WebAssembly.Module (src/web/workers.rs sends it), instantiates
 * it and calls `start_worker` (src/web/worker_entry.rs). A failed start is rethrown outside
 * the promise so that the page's error handler hears it.
 */
function workerSource(glue, what) {
  const classic = glue.replace(/import\.meta\.url/g, 'self.location.href');
  check(!/import\.meta/.test(classic), `${what}: uses import.meta other than import.meta.url`);
  return (
    `${inlineGlue(classic, what)}\n` +
    'self.onmessage = function (e) { self.onmessage = null; ' +
    '__escapeDimsGlue.init({ module_or_path: e.data })' +
    '.then(function () { __escapeDimsGlue.bindings.start_worker(); }, ' +
    'function (err) { setTimeout(function () { throw err; }); }); };\n'
  );
}

const MIME = { '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.gif': 'image/gif', '.jpg': 'image/jpeg', '.webp': 'image/webp' };

function main() {
  const arg = process.argv[2];
  check(arg && process.argv.length === 3, 'usage: node scripts/single-file.mjs <distdir>');
  const dist = resolve(arg);
  const indexPath = join(dist, 'index.html');
  check(existsSync(indexPath), `${indexPath} does not exist (run trunk build --release --offline=true first)`);
  let html = readFileSync(indexPath, 'utf8');

  // The document marker for file-check.js.
  check(/<html(\s[^>]*)?>/i.test(html), 'no <html> tag');
  html = html.replace(/<html(\s[^>]*)?>/i, (tag) => tag.replace(/>$/, ' data-single-file="1">'));

  // Stylesheets.
  let styles = 0;
  html = html.replace(/<link\b[^>]*\brel\s*=\s*["']?stylesheet["']?[^>]*>/gi, (tag) => {
    const href = attr(tag, 'href');
    check(href, `stylesheet link without href: ${tag}`);
    const css = readFileSync(distFile(dist, href, 'stylesheet'), 'utf8');
    const urls = [...css.matchAll(/url\(\s*["']?([^"')]*)/g)].map((m) => m[1]).filter((u) => !u.startsWith('data:'));
    check(urls.length === 0, `${href} refers to other files (${urls.join(', ')}): not inlined`);
    styles += 1;
    return `<style data-href="${basename(href)}">\n${safeRaw(css, 'style', href)}</style>`;
  });
  check(styles > 0, 'no <link rel="stylesheet"> in index.html');

  // Favicon.
  let icons = 0;
  html = html.replace(/<link\b[^>]*\brel\s*=\s*["']?icon["']?[^>]*>/gi, (tag) => {
    const href = attr(tag, 'href');
    check(href, `icon link without href: ${tag}`);
    const mime = MIME[extname(href).toLowerCase()];
    check(mime, `icon ${href}: unknown image type`);
    const data = readFileSync(distFile(dist, href, 'icon')).toString('base64');
    icons += 1;
    return `<link rel="icon" href="data:${mime};base64,${data}">`;
  });
  check(icons === 1, `expected one <link rel="icon">, found ${icons}`);

  // Preloads (the files they name are inlined below).
  let preloads = 0;
  html = html.replace(/<link\b[^>]*\brel\s*=\s*["']?(modulepreload|preload)["']?[^>]*>/gi, () => {
    preloads += 1;
    return '';
  });
  check(preloads > 0, 'no modulepreload/preload links: has Trunk changed how it loads the app?');

  // The app's module script.
  const modules = [...html.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)];
  check(modules.length === 1, `expected one <script type="module">, found ${modules.length}`);
  const script = modules[0][1];
  const importRe = new RegExp(String.raw`import\s+init\s*,\s*\*\s*as\s+bindings\s+from\s+['"](${PREFIX})([A-Za-z0-9_-]+)\.js['"]\s*;`);
  const im = script.match(importRe);
  check(im, 'the module script does not "import init, * as bindings from \'./<name>.js\'"');
  const [, prefix, name] = im;
  const pathRe = new RegExp(String.raw`module_or_path:\s*['"]${prefix.replace(/[.]/g, '\\.')}${name}_bg\.wasm['"]`);
  check(pathRe.test(script), `the module script does not call init({ module_or_path: './${name}_bg.wasm' })`);
  const glue = readFileSync(distFile(dist, `${name}.js`, 'page glue'), 'utf8');
  const wasm = readFileSync(distFile(dist, `${name}_bg.wasm`, 'page wasm'));
  check(wasm.subarray(0, 4).equals(Buffer.from([0, 0x61, 0x73, 0x6d])), `${name}_bg.wasm is not a wasm module`);
  const newScript = script
    .replace(importRe, () =>
      `${B64_FUNCTION}\n${inlineGlue(glue, `${name}.js`)}` +
      'const init = __escapeDimsGlue.init;\nconst bindings = __escapeDimsGlue.bindings;')
    .replace(pathRe, () => `module_or_path: __escapeDimsBytes(window.${WASM_GLOBAL})`);
  check(glue.includes('start_worker'), `${name}.js does not export start_worker (src/web/worker_entry.rs)`);
  // The wasm (once in the file) and the worker source that starts from it are set by a classic
  // script just before the (deferred) module script runs.
  const workerScript =
    `<script>window.${WASM_GLOBAL} = ${JSON.stringify(wasm.toString('base64'))};\n` +
    `window.${WORKER_GLOBAL} = ${scriptString(workerSource(glue, `${name}.js`))};</script>\n`;
  html = html.replace(modules[0][0], () => `${workerScript}<script type="module">${newScript}</script>`);

  // file-check.js, inlined; the data-single-file marker tells it to stay quiet.
  const checks = html.match(new RegExp(`<script src="${PREFIX}file-check\\.js"></script>`, 'g')) || [];
  check(checks.length === 1, `expected one <script src="file-check.js">, found ${checks.length}`);
  const fileCheck = readFileSync(distFile(dist, 'file-check.js', 'file-check.js'), 'utf8');
  check(fileCheck.includes('data-single-file'), 'file-check.js does not know the data-single-file marker (www/file-check.js out of date?)');
  html = html.replace(checks[0], () => `<script>\n${safeRaw(fileCheck, 'script', 'file-check.js')}</script>`);

  // Nothing may still load from the folder.
  const left = [
    ...[...html.matchAll(/<link\b[^>]*>/gi)].map((m) => m[0]).filter((t) => !/href\s*=\s*["']?data:/i.test(t)),
    ...[...html.matchAll(/<script\b[^>]*\bsrc\s*=[^>]*>/gi)].map((m) => m[0]),
  ];
  check(left.length === 0, `tags that still load files: ${left.join(' ')}`);
  check(!/\sintegrity\s*=/i.test(html), 'an integrity attribute is left');

  // The policy: the served pages' one (with 'self' and the hash of Trunk's module script as it
  // was) gives way to one with the hashes of what is inline now.
  check(policiesIn(html).length <= 1, 'index.html has more than one Content-Security-Policy');
  try {
    html = withPolicy(html, SINGLE_FILE, OUTPUT);
  } catch (err) {
    if (err instanceof CspError) fail(err.message);
    throw err;
  }
  check(policiesIn(html).length === 1, 'the single file has no Content-Security-Policy');

  const out = join(dist, OUTPUT);
  writeFileSync(out, html);
  const size = statSync(out).size;
  console.log(`single-file: wrote ${out} (${size} bytes, ${(size / 1048576).toFixed(2)} MiB)`);
}

main();
