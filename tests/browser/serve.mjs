// A tiny static file server for the browser suite, on 127.0.0.1 and a port the
// system picks (port 0), with no dependency beyond Node's `http`. It serves one
// built site the way a static host does: `/dir/` → `dir/index.html`, `/dir` →
// a 301 to `/dir/`, correct content types, 404 for anything missing, and never a
// file outside the site directory. Used by suite.mjs; also runnable by hand:
//   node tests/browser/serve.mjs <site dir>      (prints its address, Ctrl-C stops)

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** Starts serving `root`; resolves to { origin, close() }. */
export function serve(root) {
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    const file = path.join(base, pathname);
    if (file !== base && !file.startsWith(base + path.sep)) return send(403, 'forbidden\n');
    fs.stat(file, (err, st) => {
      if (err) return send(404, 'not found\n');
      if (st.isDirectory()) {
        if (!pathname.endsWith('/')) return send(301, '', { location: pathname + '/' });
        return sendFile(path.join(file, 'index.html'));
      }
      sendFile(file);
    });
    function sendFile(f) {
      fs.readFile(f, (err, body) => {
        if (err) return send(404, 'not found\n');
        const type = TYPES[path.extname(f).toLowerCase()] || 'application/octet-stream';
        send(200, body, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store' });
      });
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node serve.mjs <site dir>');
    process.exit(2);
  }
  const { origin } = await serve(dir);
  console.log(`serving ${path.resolve(dir)} at ${origin}/`);
}
