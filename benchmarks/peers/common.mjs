// Shared by the peer scripts: the arguments, the Chromium launch (the same Debian Chromium and arguments as the
// fetcher's), and the one JSON line of results the .NET benchmark reads from stdout.
import { readFileSync } from 'node:fs';

export function parseArgs(argv) {
  const get = (name, fallback) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 && at + 1 < argv.length ? argv[at + 1] : fallback;
  };
  const urlsFile = get('urls');
  if (!urlsFile) {
    throw new Error('usage: --urls FILE [--warmup FILE] [--concurrency N] [--chromium PATH]');
  }
  const warmupFile = get('warmup');
  return {
    urls: readUrls(urlsFile),
    // Fetched first, before the clock, by the same process and browser: the timed pages meet warm code, as ours do.
    warmup: warmupFile ? readUrls(warmupFile) : [],
    concurrency: Number(get('concurrency', '1')),
    executablePath: get('chromium', process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE || '/usr/bin/chromium'),
  };
}

function readUrls(file) {
  const urls = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  for (const url of urls) {
    // Loopback only, as every benchmark of the project.
    if (!/^http:\/\/127\.\d+\.\d+\.\d+(:\d+)?\//.test(url)) {
      throw new Error(`not a loopback URL: ${url}`);
    }
  }
  return urls;
}

export const launchArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// The machine's busy CPU seconds (user, nice, system, irq, softirq) from /proc/stat, as the .NET benchmark reads it for
// our fetcher; null where there is no /proc/stat.
export function busyCpuSeconds() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return (f[0] + f[1] + f[2] + f[5] + f[6]) / 100;
  } catch {
    return null;
  }
}

export function report(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// Only the demo's app.js writes the price element: the page was taken after its scripts rendered the listing.
export function isRendered(html) {
  return html.includes('itemprop="price"');
}
