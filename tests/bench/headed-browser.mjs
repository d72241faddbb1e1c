// A headed Chromium on a display of its own (Xvfb) whose tabs can really be in the background, for the
// benchmark's renewal with two of three tabs hidden (issue 21).
//
// A Chromium that playwright-core launches keeps every tab visible and unthrottled, headless or not: it
// adds --disable-background-timer-throttling, --disable-backgrounding-occluded-windows and
// --disable-renderer-backgrounding, and it turns on focus emulation in every page it makes
// (`Emulation.setFocusEmulationEnabled`, which Chromium implements by counting the page as captured, so
// visible: with those three flags left out, tabs opened with window.open in a headed window were still
// all 'visible'). So Chromium is started here by hand, with the machine's flags only, and playwright-core
// attaches to it over CDP with `noDefaults`, which leaves the pages of the browser's default context
// without that emulation. A tab opened with window.open then becomes the window's active tab, and the tabs
// behind it are hidden: document.visibilityState 'hidden', their timers woken at most once a second.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';

import { CHROMIUM_FLAGS, chromiumPath } from '../e2e/harness.mjs';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * A headed Chromium on a fresh Xvfb display, attached over CDP: `{ browser, context, display, close }`,
 * `context` being the browser's default context (its first page is the window's only tab). `close()`
 * stops Chromium and Xvfb by PID and removes the profile. Rejects, with everything started stopped,
 * when Xvfb or Chromium cannot start (Xvfb not installed, say).
 */
export async function launchHeadedBrowser() {
  const stops = [];
  const close = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
  };
  try {
    // -displayfd: Xvfb takes the first free display and writes its number on that file descriptor.
    const xvfb = await spawnUntil('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      fd: 3, pattern: /(\d+)\n/,
    });
    stops.push(() => stopProcess(xvfb.child));
    const profile = await mkdtemp(path.join(os.tmpdir(), 'auth-wasm-bench-'));
    stops.push(() => rm(profile, { recursive: true, force: true }));
    const chrome = await spawnUntil(chromiumPath, [
      ...CHROMIUM_FLAGS,
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      '--no-default-browser-check',
      '--password-store=basic',
      '--window-size=1280,1000',
      'about:blank',
    ], { env: { ...process.env, DISPLAY: `:${xvfb.value}` }, fd: 2, pattern: /DevTools listening on (ws:\/\/\S+)/ });
    stops.push(() => stopProcess(chrome.child));
    const browser = await chromium.connectOverCDP(chrome.value, { noDefaults: true, timeout: START_TIMEOUT_MS });
    stops.push(() => browser.close());
    return { browser, context: browser.contexts()[0], display: xvfb.value, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Spawns `command` and waits until what it writes on file descriptor `fd` (2: stderr, or one above)
 * matches `pattern`: resolves with `{ child, value }`, `value` the match's first group. Rejects, with
 * the process stopped, if it exits first or has not written it within START_TIMEOUT_MS.
 */
async function spawnUntil(command, args, { env = process.env, fd, pattern }) {
  const stdio = ['ignore', 'ignore', 'pipe'];
  stdio[fd] = 'pipe';
  const child = spawn(command, args, { env, stdio });
  let stderr = '';
  const keepStderr = (chunk) => { stderr += chunk; };
  child.stderr.on('data', keepStderr);
  let written = '';
  let watch;
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${command} did not start within ${START_TIMEOUT_MS / 1000} s: ${stderr.trim()}`)),
        START_TIMEOUT_MS,
      );
      watch = (chunk) => {
        written += chunk;
        const match = written.match(pattern);
        if (match) {
          clearTimeout(timer);
          resolve({ child, value: match[1] });
        }
      };
      child.stdio[fd].on('data', watch);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error.code === 'ENOENT' ? new Error(`${command} is not installed`) : error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${command} exited (${code ?? signal}): ${stderr.trim()}`));
      });
    });
  } catch (error) {
    await stopProcess(child);
    throw error;
  } finally {
    // Read on and drop what it writes from now on: a full pipe would block it.
    child.stdio[fd].off('data', watch);
    child.stderr.off('data', keepStderr);
    child.stdio[fd].resume();
    child.stderr.resume();
  }
}

/** SIGTERM to `child`, SIGKILL if it has not exited STOP_TIMEOUT_MS later. */
async function stopProcess(child) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
