/**
 * Prometheus text exposition (version 0.0.4) on GET /metrics, from a collect() callback that reads
 * the live counters at scrape time (no registry, no per-event cost). node:http only.
 */
import { createServer, type Server } from 'node:http';

export interface Sample {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  value: number;
  labels?: Readonly<Record<string, string>>;
}

function labelText(labels: Readonly<Record<string, string>> | undefined): string {
  if (labels === undefined) return '';
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** Renders samples; HELP/TYPE once per metric name, samples of one name kept together. */
export function renderMetrics(samples: readonly Sample[]): string {
  const byName = new Map<string, Sample[]>();
  for (const s of samples) {
    const list = byName.get(s.name);
    if (list) list.push(s);
    else byName.set(s.name, [s]);
  }
  let out = '';
  for (const [name, list] of byName) {
    out += `# HELP ${name} ${list[0]!.help}\n# TYPE ${name} ${list[0]!.type}\n`;
    for (const s of list) out += `${name}${labelText(s.labels)} ${Number.isFinite(s.value) ? s.value : 0}\n`;
  }
  return out;
}

/** Starts the endpoint; resolves with the server once it listens (port 0: any free port). */
export async function serveMetrics(host: string, port: number, collect: () => readonly Sample[]): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      const body = renderMetrics(collect());
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found; metrics are at /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  return server;
}
