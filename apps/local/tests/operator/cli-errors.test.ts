import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { JwtTokenVerifier } from '@meridian/functions/api/jwt-token-verifier';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isKnownPrincipal, LOCAL_AUDIENCE, LOCAL_ISSUER, LocalIssuer } from '../../src/auth/local-issuer';
import { createControlServer, listenControlServer } from '../../src/cli/control-server';
import { runMeridian, USAGE } from '../../src/cli/meridian-cli';
import { ProcessSupervisor } from '../../src/cli/process-supervisor';
import { loadLocalConfig, REPO_ROOT } from '../../src/config/local-config';
import { freePort } from '../support/ports';

/**
 * The operator CLI's failures, without a platform: fake front doors and control servers (and the real
 * control server with a region that cannot start) on free ports. Each failure is one clear line and a
 * non-zero exit code; usage errors exit 2 with the usage.
 */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of servers.splice(0)) await close();
});

async function fakeServer(handler: Handler): Promise<number> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as AddressInfo).port;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** Runs the CLI in this process against the given ports. */
async function meridian(
  ports: { frontDoor?: number; control?: number; dataDir?: string },
  ...args: string[]
) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runMeridian(args, {
    env: {
      MERIDIAN_PORT: String(ports.frontDoor ?? (await freePort())),
      MERIDIAN_CONTROL_PORT: String(ports.control ?? (await freePort())),
      // A data directory that holds no issuer key: the CLI then sends no admin token.
      MERIDIAN_DATA_DIR: ports.dataDir ?? join(tmpdir(), 'meridian-cli-no-data'),
    },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), err };
}

describe('operator CLI usage errors', () => {
  it('names the command it does not know, shows the usage and exits 2', async () => {
    const cases: Array<[string[], string]> = [
      [
        ['region', 'explode', 'us-east-1'],
        'unknown command "region explode" (region takes kill <region> | start <region>)',
      ],
      [['frobnicate'], 'unknown command "frobnicate"'],
      [['events'], 'events needs a subcommand: events tail'],
      [[], 'no command given'],
      [['region', 'kill'], 'region kill needs a region name, e.g. region kill us-east-1'],
      [['link', 'cut', 'now'], 'unexpected argument "now" after "link cut"'],
    ];
    for (const [args, message] of cases) {
      const result = await meridian({}, ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toEqual([message, USAGE]);
    }
    const option = await meridian({}, 'status', '--verbose');
    expect(option.code).toBe(2);
    expect(option.err[0]).toMatch(/--verbose/);
  });

  it('reports an invalid environment in one line and exits 1, from the real entry point too', async () => {
    const env = { MERIDIAN_REGIONS: 'us-east-1', MERIDIAN_PRIMARY_REGION: 'eu-west-1' };
    const err: string[] = [];
    const code = await runMeridian(['status'], { env, out: () => {}, err: (line) => err.push(line) });
    expect(code).toBe(1);
    expect(err).toEqual(['MERIDIAN_PRIMARY_REGION eu-west-1 is not in MERIDIAN_REGIONS']);

    // Loaded at module level, the config's error escaped as an uncaught exception with a stack trace.
    const entry = join(REPO_ROOT, 'apps/local/src/cli/meridian.ts');
    const failed = await promisify(execFile)(process.execPath, ['--import', 'tsx', entry, 'status'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      timeout: 20_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? '' }),
    );
    expect(failed).toEqual({
      code: 1,
      stderr: 'MERIDIAN_PRIMARY_REGION eu-west-1 is not in MERIDIAN_REGIONS\n',
    });
  }, 30_000);
});

describe('operator CLI against servers that fail', () => {
  it('says it cannot reach the front door when nothing listens', async () => {
    const port = await freePort();
    const result = await meridian({ frontDoor: port }, 'status');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^cannot reach http://127\\.0\\.0\\.1:${port}/frontdoor/status \\(fetch failed: .*ECONNREFUSED.*\\); is \`npm start\` running\\?$`,
      ),
    );
  });

  it('reports a refusal that is not JSON with its status and text', async () => {
    const frontDoor = await fakeServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal Server Error');
    });
    const result = await meridian({ frontDoor }, 'status');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `GET http://127.0.0.1:${frontDoor}/frontdoor/status answered 500: Internal Server Error`,
    );
  });

  it('shows no serving region when the front door names none', async () => {
    const frontDoor = await fakeServer((_req, res) =>
      json(res, 200, {
        policy: { kind: 'failover', primary: 'us-east-1' },
        serving: null,
        regions: ['us-east-1', 'eu-west-1'].map((name) => ({
          name,
          url: 'http://127.0.0.1:1',
          healthy: false,
          consecutiveFailures: 3,
          link: null,
          replicationLagMs: null,
          replication: null,
          outboxDepth: null,
          deadLetters: null,
          eventLoop: null,
          settlement: null,
          reconciliation: null,
        })),
      }),
    );
    const table = await meridian({ frontDoor }, 'status');
    expect(table.code).toBe(0);
    const rows = table.stdout.split('\n');
    expect(rows).toHaveLength(4);
    for (const row of rows.slice(1, 3)) expect(row).toMatch(/UNHEALTHY\s+unknown/);
    expect(rows[3]).toBe('payment provider: unknown (the launcher did not answer)');
    expect(table.stdout).not.toMatch(/\byes\b/);
    expect(table.stderr).toBe('No region is healthy: none serves.');
  });

  it('refuses a status it cannot read, naming what does not fit', async () => {
    const frontDoor = await fakeServer((_req, res) =>
      json(res, 200, {
        policy: { kind: 'failover', primary: 'us-east-1' },
        serving: 'us-east-1',
        regions: [{}],
      }),
    );
    const result = await meridian({ frontDoor }, 'status');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^http://127\\.0\\.0\\.1:${frontDoor}/frontdoor/status answered something this CLI cannot read \\(regions\\.0\\.name: .+\\); is it Meridian's front door, of the same version\\?$`,
      ),
    );
  });

  it('exits 1 when a running region did not take a link switch, naming it', async () => {
    let answer = {
      link: 'cut',
      regions: [
        { region: 'us-east-1', ok: true },
        { region: 'eu-west-1', ok: false },
      ],
    };
    const control = await fakeServer((_req, res) => json(res, 202, answer));
    const cut = await meridian({ control }, 'link', 'cut');
    expect(cut.code).toBe(1);
    expect(JSON.parse(cut.stdout)).toEqual(answer);
    expect(cut.stderr).toBe(
      'link cut: eu-west-1 did not take the switch; run `link cut` again, or check with `status`.',
    );
    answer = {
      link: 'up',
      regions: [
        { region: 'us-east-1', ok: true },
        { region: 'eu-west-1', ok: true },
      ],
    };
    expect(await meridian({ control }, 'link', 'heal')).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('operator CLI region start and kill against the control server', () => {
  let dir: string;
  let supervisor: ProcessSupervisor;
  let control: number;
  let close: () => Promise<void>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-cli-'));
    const failing = join(dir, 'failing-region.mjs');
    writeFileSync(failing, 'process.exit(3);\n');
    const config = loadLocalConfig({
      MERIDIAN_DATA_DIR: dir,
      MERIDIAN_REGIONS: 'us-east-1',
      MERIDIAN_REGION_BASE_PORT: String(await freePort()),
    });
    supervisor = new ProcessSupervisor({ logDir: config.logDir, runDir: join(dir, 'run'), color: false });
    const issuer = await LocalIssuer.open(config.issuerKeyFile);
    const verifier = new JwtTokenVerifier({
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      keySet: issuer.keySet(),
      knownSubject: isKnownPrincipal,
    });
    const server = createControlServer(config, supervisor, {
      verifier,
      regionKey: 'rk_test',
      regionEntry: failing,
    });
    server.markReady();
    ({ port: control, close } = await listenControlServer(server.app, 0));
  });

  afterAll(async () => {
    await close?.();
    await supervisor?.stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('region start prints why the region did not start and exits 1, without waiting for a timeout', async () => {
    const startedAt = Date.now();
    const result = await meridian({ control, dataDir: dir }, 'region', 'start', 'us-east-1');
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Region us-east-1 exited during start (exit code 3); see ${join(dir, 'logs', 'us-east-1.log')}.`,
    );
  }, 20_000);

  it('region kill of a region that is not running says so and exits 1', async () => {
    const result = await meridian({ control, dataDir: dir }, 'region', 'kill', 'us-east-1');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ region: 'us-east-1', killed: false });
    expect(result.stderr).toBe('us-east-1 was not running: nothing was killed.');
  });

  it('says which data directory to use when it has no key to sign in with', async () => {
    const elsewhere = join(tmpdir(), 'meridian-cli-no-data');
    const result = await meridian({ control, dataDir: elsewhere }, 'region', 'kill', 'us-east-1');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `POST http://127.0.0.1:${control}/regions/us-east-1/kill needs an admin token, and ${elsewhere} holds no Meridian key: run the CLI with the MERIDIAN_DATA_DIR \`npm start\` uses.`,
    );
  });
});

describe('operator CLI events tail', () => {
  const event = {
    time: '2025-01-01T00:00:00.000Z',
    region: 'us-east-1',
    source: 'meridian.orders',
    'detail-type': 'OrderPlaced',
    detail: { orderId: 'ord_1' },
  };
  const stream = (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(
      `event: ready\ndata: {"regions":["us-east-1"]}\n\nevent: event\ndata: ${JSON.stringify(event)}\n\n`,
    );
  };

  it('says it cannot reach the front door, as the other commands do', async () => {
    const port = await freePort();
    const result = await meridian({ frontDoor: port }, 'events', 'tail');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^cannot reach http://127\\.0\\.0\\.1:${port}/frontdoor/events \\(fetch failed: .*ECONNREFUSED.*\\); is \`npm start\` running\\?$`,
      ),
    );
  });

  it('reports a refusal with its status', async () => {
    const frontDoor = await fakeServer((_req, res) => json(res, 404, { code: 'not_found' }));
    const result = await meridian({ frontDoor }, 'events', 'tail');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `GET http://127.0.0.1:${frontDoor}/frontdoor/events answered 404: {"code":"not_found"}`,
    );
  });

  it('exits 1 saying the stream ended when the front door ends it', async () => {
    const frontDoor = await fakeServer((_req, res) => {
      stream(res);
      setTimeout(() => res.end(), 50);
    });
    const result = await meridian({ frontDoor }, 'events', 'tail');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^2025-01-01T00:00:00\.000Z\s+us-east-1\s+meridian\.orders\s+OrderPlaced\s+ord_1$/,
    );
    expect(result.err).toEqual([
      `tailing events from every region via http://127.0.0.1:${frontDoor}/frontdoor/events (Ctrl-C to stop)`,
      `the event stream from http://127.0.0.1:${frontDoor} ended; is \`npm start\` still running?`,
    ]);
  });

  it('reads CRLF line ends and data split over several lines, as the SSE standard allows', async () => {
    // Cut between two members: the line feed the lines are joined by is whitespace to JSON.
    const [head, tail] = JSON.stringify(event).split(/(?<=,)(?="region")/);
    const frontDoor = await fakeServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`event: ready\r\ndata: {}\r\n\r\nevent: event\r\ndata: ${head}\r\ndata: ${tail}\r\n\r\n`);
      // Not JSON: printed as it came, its lines joined by a line feed.
      res.write('event: event\ndata: first line\ndata: second line\n\n');
      setTimeout(() => res.end(), 50);
    });
    const result = await meridian({ frontDoor }, 'events', 'tail');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^2025-01-01T00:00:00\.000Z\s+us-east-1\s+meridian\.orders\s+OrderPlaced\s+ord_1\nfirst line\nsecond line$/,
    );
    expect(result.err[0]).toBe(
      `tailing events from every region via http://127.0.0.1:${frontDoor}/frontdoor/events (Ctrl-C to stop)`,
    );
  });

  it('exits 1 saying the stream was lost when the front door dies during the tail', async () => {
    const frontDoor = await fakeServer((_req, res) => {
      stream(res);
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const result = await meridian({ frontDoor }, 'events', 'tail');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/OrderPlaced\s+ord_1$/);
    expect(result.err.at(-1)).toMatch(
      new RegExp(
        `^lost the event stream from http://127\\.0\\.0\\.1:${frontDoor} \\(.+\\); is \`npm start\` still running\\?$`,
      ),
    );
  });
});

describe('operator CLI sign-in-link', () => {
  it('prints a one-time link the front door accepts, signed with the key in the data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'meridian-cli-link-'));
    try {
      const issuer = await LocalIssuer.open(join(dataDir, 'issuer-keys.json'));
      const result = await meridian({ frontDoor: 9, dataDir }, 'sign-in-link');
      expect(result.code, result.stderr).toBe(0);
      const link = new URL(result.stdout);
      expect(`${link.origin}${link.pathname}`).toBe('http://localhost:9/sign-in');
      const code = await issuer.verifySignInCode(link.hash.replace('#code=', ''));
      expect(code.subject).toBe('admin');
      expect(result.stderr).toContain('One-time');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('says where to start Meridian when the data directory has no key', async () => {
    const nowhere = join(tmpdir(), 'meridian-cli-no-data');
    const result = await meridian({ dataDir: nowhere }, 'sign-in-link');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `no Meridian data in ${nowhere}: start it with \`npm start\` (with the same MERIDIAN_DATA_DIR) first`,
    );
  });
});
