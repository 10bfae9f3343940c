#!/usr/bin/env node
// Puts a strict Content-Security-Policy into every page of a build, as
// <meta http-equiv="Content-Security-Policy"> right after <meta charset>:
//
//   node scripts/csp.mjs [dir]      (default: $TRUNK_STAGING_DIR)
//   node scripts/csp.mjs --headers dist
//       prints the same policy for hosts that set headers (README.md): one policy for every
//       page, with the hashes of all their inline scripts and styles, as a Netlify/Cloudflare
//       Pages `_headers` file and as an nginx `add_header` line
//
// Trunk runs it as a post_build hook (Trunk.toml), for `trunk build` and `trunk serve` alike,
// on the staged pages (index.html, embed.html, bench.html) before they are moved into dist/.
// Trunk writes the inline module script that starts the app, so its hash is only known here:
// every inline <script> and <style> of a page is hashed (sha256) into script-src / style-src,
// and nothing is ever allowed with 'unsafe-inline'. scripts/single-file.mjs uses the same
// functions for the one-file build, whose policy names no 'self' (it runs from file://).
//
// It stops with exit code 1, writing nothing, if a page has no <meta charset> at the top of its
// <head> (the policy only covers what comes after it), or uses what such a policy blocks:
// inline event handlers (onclick=...), style="..." attributes, javascript: URLs.
// Plain Node 20, no dependencies.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The served pages' policy, without its hashes (README.md quotes the same for headers). */
export const SERVED = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ["'self'", 'blob:'],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/**
 * The single file's policy (scripts/single-file.mjs): everything it runs is inline (hashed),
 * its wasm starts from bytes and its workers from a blob: URL, so it needs no 'self', which
 * browsers do not grant consistently to file:// pages.
 */
export const SINGLE_FILE = {
  'default-src': ["'none'"],
  'script-src': ["'wasm-unsafe-eval'"],
  'worker-src': ['blob:'],
  'style-src': [],
  'img-src': ['data:', 'blob:'],
  'connect-src': ["'none'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

const META_RE = /<meta\s+http-equiv\s*=\s*["']?Content-Security-Policy["']?[^>]*>\s*/gi;

/** Stops with a clear message (exit code 1). */
export class CspError extends Error {}

function check(cond, message) {
  if (!cond) throw new CspError(message);
}

/** 'sha256-…' of `text` as browsers hash an inline script or style (its UTF-8 bytes). */
export function sourceHash(text) {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The inline <script> and <style> texts of `html`. */
export function inlineBlocks(html) {
  const scripts = [];
  const styles = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (!/\ssrc\s*=/i.test(` ${m[1]}`)) scripts.push(m[2]);
  }
  for (const m of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)) styles.push(m[1]);
  return { scripts, styles };
}

/** `html` with the contents of its scripts and styles blanked (only tags remain to read). */
function tagsOnly(html) {
  return html
    .replace(/(<script\b[^>]*>)[\s\S]*?(<\/script\s*>)/gi, '$1$2')
    .replace(/(<style\b[^>]*>)[\s\S]*?(<\/style\s*>)/gi, '$1$2')
    .replace(/<!--[\s\S]*?-->/g, '');
}

/** Fails if `html` uses what a hash-based policy blocks (inline handlers, style attributes). */
export function checkNoInlineAttributes(html, what) {
  const tags = tagsOnly(html).match(/<[a-zA-Z][^>]*>/g) || [];
  for (const tag of tags) {
    const handler = tag.match(/\s(on[a-z]+)\s*=/i);
    check(!handler, `${what}: inline event handler ${handler?.[1]} in ${tag.slice(0, 120)} (the CSP blocks it: add the listener from code)`);
    check(!/\sstyle\s*=/i.test(tag), `${what}: style attribute in ${tag.slice(0, 120)} (the CSP blocks it: use a class)`);
    check(!/=\s*["']?\s*javascript:/i.test(tag), `${what}: javascript: URL in ${tag.slice(0, 120)}`);
  }
}

/** The policy text: `base` with the hashes of `html`'s inline scripts and styles added. */
export function policyFor(html, base) {
  const { scripts, styles } = inlineBlocks(html);
  const directives = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, [...v]]));
  const add = (name, hashes) => {
    for (const h of hashes) if (!directives[name].includes(h)) directives[name].push(h);
  };
  add('script-src', scripts.map(sourceHash));
  add('style-src', styles.map(sourceHash));
  for (const [name, values] of Object.entries(directives)) {
    // An empty source list would mean "anything" in no browser, but say 'none' explicitly.
    if (values.length === 0) directives[name] = ["'none'"];
    check(!values.includes("'unsafe-inline'") && !values.includes("'unsafe-eval'"), `${name} would allow unsafe inline code`);
  }
  return Object.entries(directives).map(([k, v]) => `${k} ${v.join(' ')}`).join('; ');
}

/**
 * `trunk serve` adds its live-reload script inline and fills in the server's address when it
 * serves the page, which would change the script after it was hashed. Filled in here instead
 * with what the browser knows (the page's own host and folder, where `trunk serve` answers),
 * the served text is the hashed text. A `trunk build` has no such script.
 */
export function settleTrunkReload(html) {
  return html
    .replace(/(['`])\{\{__TRUNK_ADDRESS__\}\}\1/g, 'window.location.host')
    .replace(/(['`])\{\{__TRUNK_WS_BASE__\}\}\1/g, "new URL('./', window.location.href).pathname");
}

/**
 * `html` with its policy meta tag (any earlier one replaced) right after <meta charset>, which
 * must open the <head>: no script, style or link may come before the policy.
 */
export function withPolicy(html, base, what) {
  checkNoInlineAttributes(html, what);
  let out = settleTrunkReload(html).replace(META_RE, '');
  check(!/\{\{__TRUNK[A-Z_ ]*__\}\}/.test(out), `${what}: a Trunk placeholder is left that the server would fill in after hashing`);
  const charset = out.match(/<head\b[^>]*>\s*<meta\s+charset\s*=\s*["']?[\w-]+["']?\s*\/?>/i);
  check(charset, `${what}: no <meta charset> at the top of <head>, so no place for the Content-Security-Policy (it must come before every script and style)`);
  const at = charset.index + charset[0].length;
  const before = out.slice(0, at);
  check(!/<(script|style|link)\b/i.test(before), `${what}: a script, style or link comes before <meta charset>`);
  const policy = policyFor(out, base);
  check(!/"/.test(policy), `${what}: the policy contains a double quote`);
  const meta = `\n  <meta http-equiv="Content-Security-Policy" content="${policy}">`;
  out = before + meta + out.slice(at);
  // The hashes were taken before the tag went in; the tag itself is no script or style.
  check(policyFor(out, base) === policy, `${what}: the policy changed after insertion`);
  return out;
}

/** The Content-Security-Policy meta tags' contents in `html`. */
export function policiesIn(html) {
  return [...html.matchAll(META_RE)].map((m) => m[0].match(/content\s*=\s*"([^"]*)"/i)?.[1] ?? '');
}

/** The policy of every page of `root` at once (the union of their hashes), for a header. */
function headerPolicy(root) {
  const pages = readdirSync(root).filter((f) => f.endsWith('.html') && f !== 'escape-dims-offline.html').sort();
  check(pages.includes('index.html'), `${root} has no index.html`);
  const all = pages.map((name) => readFileSync(join(root, name), 'utf8')).join('\n');
  // No frame-ancestors: lecture slides on any site may frame the explorer (embed=1).
  return policyFor(all.replace(META_RE, ''), SERVED);
}

function main() {
  if (process.argv[2] === '--headers') {
    check(process.argv.length === 4, 'usage: node scripts/csp.mjs --headers <dist>');
    const policy = headerPolicy(resolve(process.argv[3]));
    console.log(`# _headers (Netlify, Cloudflare Pages)\n/*\n  Content-Security-Policy: ${policy}\n`);
    console.log(`# nginx (server or location block)\nadd_header Content-Security-Policy "${policy}" always;`);
    return;
  }
  const dir = process.argv[2] || process.env.TRUNK_STAGING_DIR;
  check(dir && process.argv.length <= 3, 'usage: node scripts/csp.mjs <dir> (or run as a Trunk hook, with TRUNK_STAGING_DIR set)');
  const root = resolve(dir);
  // The single file has its own policy, written by scripts/single-file.mjs.
  const pages = readdirSync(root).filter((f) => f.endsWith('.html') && f !== 'escape-dims-offline.html').sort();
  check(pages.includes('index.html'), `${root} has no index.html`);
  // Everything is checked before anything is written.
  const out = pages.map((name) => {
    const path = join(root, name);
    return [path, withPolicy(readFileSync(path, 'utf8'), SERVED, name)];
  });
  for (const [path, html] of out) writeFileSync(path, html);
  console.log(`csp: Content-Security-Policy written into ${pages.join(', ')} (${root})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main();
  } catch (err) {
    if (!(err instanceof CspError)) throw err;
    console.error(`csp: ${err.message}`);
    console.error('csp: no page written.');
    process.exit(1);
  }
}
