import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';

/**
 * `awslings start --dev`: the site from `docusaurus start` (live reload for lesson authors) behind
 * the sandbox server, which adds the token to its pages as it does to the built site's. The dev
 * server listens on another loopback port that the browser never uses directly.
 */
export interface DevProxy {
  serve(req: IncomingMessage, res: ServerResponse): void;
  /** The dev server's own WebSocket (hot reload), after the sandbox's Host and Origin checks. */
  upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void;
}

export function devProxy(devPort: number, inject: (html: string) => string): DevProxy {
  const target = `127.0.0.1:${devPort}`;
  return {
    serve(req, res) {
      const headers = { ...req.headers, host: target, 'accept-encoding': 'identity' };
      const up = request({ host: '127.0.0.1', port: devPort, path: req.url, method: req.method, headers }, (r) => {
        const type = String(r.headers['content-type'] ?? '');
        if (!type.startsWith('text/html')) {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => {
          const body = Buffer.from(inject(Buffer.concat(chunks).toString('utf8')));
          const h = { ...r.headers, 'content-length': String(body.length), 'cache-control': 'no-store' };
          res.writeHead(r.statusCode ?? 200, h);
          res.end(body);
        });
      });
      up.on('error', (e) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`awslings: the Docusaurus dev server does not answer (${e.message}); it may still be starting.`);
      });
      req.pipe(up);
    },
    upgrade(req, socket, head) {
      const upstream = connect(devPort, '127.0.0.1', () => {
        const lines = [`${req.method} ${req.url} HTTP/1.1`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) {
          const name = req.rawHeaders[i];
          lines.push(`${name}: ${name.toLowerCase() === 'host' ? target : req.rawHeaders[i + 1]}`);
        }
        upstream.write(lines.join('\r\n') + '\r\n\r\n');
        if (head.length) upstream.write(head);
        socket.pipe(upstream).pipe(socket);
      });
      const end = () => {
        socket.destroy();
        upstream.destroy();
      };
      upstream.on('error', end);
      socket.on('error', end);
    },
  };
}
