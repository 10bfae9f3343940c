// A tiny static file server for the end-to-end tests (no dependencies).
//
// Serves a directory (the Trunk build in dist/) on 127.0.0.1, optionally under a URL prefix,
// with the MIME types browsers insist on (application/wasm for streaming compilation,
// text/javascript for ES modules).
//
// As a module:  const srv = await startServer({ root, prefix: '/escape-dims/' });
//               srv.url  -> 'http://127.0.0.1:PORT/escape-dims/';  await srv.close();
// From a shell: node tests/e2e/server.mjs [dir=dist] [port=0 (any free port)] [prefix=/]

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.webmanifest': 'application/manifest+json',
};

function normalisePrefix(prefix) {
  let p = prefix || '/';
  if (!p.startsWith('/')) p = `/${p}`;
  if (!p.endsWith('/')) p = `${p}/`;
  return p;
}

/**
 * Start serving `root` on 127.0.0.1:`port` (0 = any free port).
 * Resolves to { server, port, origin, url, close() }.
 */
export async function startServer({ root, port = 0, prefix = '/', log = false } = {}) {
  const rootDir = resolve(root);
  const base = normalisePrefix(prefix);

  const server = createServer(async (req, res) => {
    const send = (status, body = '', headers = {}) => {
      res.writeHead(status, { 'Cache-Control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
      if (log) console.log(`${status} ${req.method} ${req.url}`);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return send(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
      }
      const pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
      if (`${pathname}/` === base) {
        return send(301, '', { Location: base });
      }
      if (!pathname.startsWith(base)) {
        // Browsers ask for /favicon.ico on their own; do not let that show up as an error.
        if (pathname.endsWith('/favicon.ico')) return send(204);
        return send(404, 'not found\n', { 'Content-Type': 'text/plain; charset=utf-8' });
      }
      let file = resolve(join(rootDir, pathname.slice(base.length)));
      if (file !== rootDir && !file.startsWith(rootDir + sep)) {
        return send(403, 'forbidden\n', { 'Content-Type': 'text/plain; charset=utf-8' });
      }
      let info = await stat(file).catch(() => null);
      if (info && info.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info || !info.isFile()) {
        if (pathname.endsWith('/favicon.ico')) return send(204);
        return send(404, 'not found\n', { 'Content-Type': 'text/plain; charset=utf-8' });
      }
      const type = MIME_TYPES[extname(file).toLowerCase()] || 'application/octet-stream';
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Length': info.size,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      if (log) console.log(`200 ${req.method} ${req.url} (${type})`);
      if (req.method === 'HEAD') return res.end();
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    } catch (err) {
      if (!res.headersSent) send(400, `bad request: ${err.message}\n`);
      else res.destroy();
    }
  });

  await new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const actualPort = server.address().port;
  const origin = `http://127.0.0.1:${actualPort}`;
  return {
    server,
    port: actualPort,
    origin,
    url: `${origin}${base}`,
    close: () =>
      new Promise((resolveClose) => {
        server.closeAllConnections?.();
        server.close(() => resolveClose());
      }),
  };
}

// Run directly: serve a directory until interrupted.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir = 'dist', port = '0', prefix = '/'] = process.argv.slice(2);
  const srv = await startServer({ root: dir, port: Number(port), prefix, log: true });
  console.log(`serving ${resolve(dir)} at ${srv.url} (Ctrl-C to stop)`);
}
