import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePorts, isPortFree } from '@coursehub/embedded';
import { NodeAppProcess } from './node-app-process';

/**
 * Stand-in apps (plain Node scripts) for what NodeAppProcess does around a real CourseHub app:
 * readiness over HTTP, a crash before it, a drain on SIGTERM, and one that ignores SIGTERM.
 */
const SCRIPTS = {
  // 503 on the first two probes, then 200; exits 0 on SIGTERM.
  slowStart: `
    const http = require('node:http');
    let probes = 0;
    console.log('starting');
    const server = http.createServer((req, res) => {
      probes += 1;
      res.statusCode = probes > 2 ? 200 : 503;
      res.end(JSON.stringify({ probes }));
    }).listen(Number(process.env.PORT), '127.0.0.1');
    process.on('SIGTERM', () => { console.log('draining'); server.close(() => process.exit(0)); });
  `,
  crash: `
    console.log('reading config');
    console.error('Invalid configuration: PORT must be a number');
    process.exit(3);
  `,
  // Counts the SIGTERMs it gets and exits 0 a moment after the first (a drain in progress).
  countsSignals: `
    let signals = 0;
    process.on('SIGTERM', () => {
      signals += 1;
      console.log('SIGTERM ' + signals);
      if (signals === 1) setTimeout(() => process.exit(0), 300);
    });
    setInterval(() => undefined, 1000);
    console.log('up');
  `,
  stubborn: `
    process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
    setInterval(() => undefined, 1000);
    console.log('up');
  `,
};

describe('NodeAppProcess', () => {
  let dir: string;
  const started: NodeAppProcess[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'node-app-process-'));
    for (const [name, source] of Object.entries(SCRIPTS)) writeFileSync(join(dir, `${name}.js`), source);
  });

  afterAll(async () => {
    await Promise.all(started.map((app) => app.stop(1_000)));
    rmSync(dir, { recursive: true, force: true });
  });

  async function printed(app: NodeAppProcess, text: string): Promise<void> {
    while (!app.outputTail().includes(text)) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  function start(script: keyof typeof SCRIPTS, env: Record<string, string> = {}, logFile?: string) {
    const app = NodeAppProcess.start({
      name: script,
      script: join(dir, `${script}.js`),
      cwd: dir,
      env: { PATH: process.env.PATH, ...env },
      output: { logFile: logFile ?? join(dir, `${script}.log`) },
    });
    started.push(app);
    return app;
  }

  it('waits until the readiness URL answers 200, logs the output to its file and stops on SIGTERM', async () => {
    const [port] = await findFreePorts(1);
    const logFile = join(dir, 'slow-start.log');
    const app = start('slowStart', { PORT: String(port) }, logFile);

    await app.waitUntilReady({ url: `http://127.0.0.1:${port}/health/ready`, timeoutMs: 10_000 });
    await app.stop();

    expect(app.exitStatus).toEqual({ code: 0, signal: null });
    expect(readFileSync(logFile, 'utf8')).toBe('starting\ndraining\n');
    expect(await isPortFree(port)).toBe(true);
  });

  it('asked to stop again while stopping, waits for the same stop instead of signalling twice', async () => {
    const app = start('countsSignals');
    await printed(app, 'up');

    await Promise.all([app.stop(5_000), app.stop(5_000)]);

    expect(app.exitStatus).toEqual({ code: 0, signal: null });
    expect(app.outputTail()).toContain('SIGTERM 1');
    expect(app.outputTail()).not.toContain('SIGTERM 2');
  });

  it('fails the wait with the exit code and the stderr tail when the app exits first', async () => {
    const [port] = await findFreePorts(1);
    const app = start('crash');

    const error = await app
      .waitUntilReady({ url: `http://127.0.0.1:${port}/health/ready`, timeoutMs: 10_000 })
      .then(
        () => undefined,
        (reason: Error) => reason,
      );

    expect(error?.message).toContain('crash exited before it was ready (code 3, signal null)');
    expect(error?.message).toContain('Invalid configuration: PORT must be a number');
    expect(error?.message).toContain('reading config');
  });

  it('fails the wait with the last answer when the app is not ready in time', async () => {
    const [port] = await findFreePorts(1);
    const app = start('stubborn');
    await printed(app, 'up');

    const error = await app
      .waitUntilReady({ url: `http://127.0.0.1:${port}/health/ready`, timeoutMs: 300 })
      .then(
        () => undefined,
        (reason: Error) => reason,
      );

    expect(error?.message).toMatch(/stubborn was not ready within 300 ms .*ECONNREFUSED/);
    expect(error?.message).toContain('up');
  });

  it('kills an app that ignores SIGTERM once the stop timeout has passed', async () => {
    const app = start('stubborn');
    await printed(app, 'up'); // its SIGTERM handler is installed

    await app.stop(300);

    expect(app.exitStatus).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('kills with SIGKILL at once, and a restarted app appends to the same log file', async () => {
    const [port] = await findFreePorts(1);
    const logFile = join(dir, 'restarted.log');
    const ready = { url: `http://127.0.0.1:${port}/health/ready`, timeoutMs: 10_000 };
    const crashed = start('slowStart', { PORT: String(port) }, logFile);
    await crashed.waitUntilReady(ready);

    await crashed.kill();
    expect(crashed.exitStatus).toEqual({ code: null, signal: 'SIGKILL' });

    const restarted = NodeAppProcess.start({
      name: 'slowStart',
      script: join(dir, 'slowStart.js'),
      cwd: dir,
      env: { PATH: process.env.PATH, PORT: String(port) },
      output: { logFile, append: true },
    });
    started.push(restarted);
    await restarted.waitUntilReady(ready);
    await restarted.stop();
    // No "draining" from the killed one: SIGKILL gives it no chance to.
    expect(readFileSync(logFile, 'utf8')).toBe('starting\nstarting\ndraining\n');
  });

  it('finds distinct free ports', async () => {
    const ports = await findFreePorts(4);
    expect(new Set(ports).size).toBe(4);
    expect(await Promise.all(ports.map(isPortFree))).toEqual([true, true, true, true]);
  });
});
