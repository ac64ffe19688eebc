// Run Lighthouse (mobile form factor, default simulated throttling) on pages of the
// built book and report, per page: the performance and accessibility scores, the
// audits that lost points, the total bytes transferred and every network request.
// It serves nothing itself: the caller serves the site (compressed, as a static host
// does) and passes the page URLs.
//
// Performance scores vary from run to run (more so on a busy machine); Lighthouse's
// documentation on variability advises running several times and taking the median.
// LIGHTHOUSE_RUNS (default 1) runs each page up to that many times and reports the run
// with the median performance score, with every run's scores. With LIGHTHOUSE_CLEAR set
// (a score, e.g. 0.95), a page whose first run scores at least that much for performance
// is not run again: a clear pass needs no median, and only a page near the bar pays for
// more runs.
//
// Usage: node lighthouse.mjs <output.json> <url> [<url> ...]
// CHROME_PATH (or CHROMIUM) may name the browser executable (default: /usr/bin/chromium).
import { writeFileSync } from "node:fs";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const [output, ...urls] = process.argv.slice(2);
if (!output || urls.length === 0) {
  console.error("usage: node lighthouse.mjs <output.json> <url> [<url> ...]");
  process.exit(2);
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || process.env.CHROMIUM || "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const runs = Math.max(1, Number.parseInt(process.env.LIGHTHOUSE_RUNS || "1", 10));
const clear = process.env.LIGHTHOUSE_CLEAR ? Number.parseFloat(process.env.LIGHTHOUSE_CLEAR) : Infinity;
const results = [];
try {
  for (const url of urls) {
    const lhrs = [];
    for (let run = 0; run < runs; run++) {
      const runnerResult = await lighthouse(url, {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["performance", "accessibility"],
      });
      lhrs.push(runnerResult.lhr);
      if (run === 0 && (runnerResult.lhr.categories.performance.score ?? -1) >= clear) break;
    }
    lhrs.sort((a, b) => (a.categories.performance.score ?? -1) - (b.categories.performance.score ?? -1));
    const lhr = lhrs[Math.floor((lhrs.length - 1) / 2)];
    const lost = [];
    for (const category of ["performance", "accessibility"]) {
      for (const ref of lhr.categories[category].auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          lost.push({ category, id: ref.id, score: audit.score, displayValue: audit.displayValue || "" });
        }
      }
    }
    const requests = (lhr.audits["network-requests"]?.details?.items || []).map((item) => ({
      url: item.url, transferSize: item.transferSize, resourceSize: item.resourceSize,
    }));
    results.push({
      url,
      runtimeError: lhr.runtimeError?.message || null,
      performance: lhr.categories.performance.score,
      accessibility: lhr.categories.accessibility.score,
      runs: lhrs.map((run) => ({
        performance: run.categories.performance.score, accessibility: run.categories.accessibility.score,
      })),
      totalByteWeight: lhr.audits["total-byte-weight"]?.numericValue ?? null,
      lost,
      requests,
    });
  }
} finally {
  await chrome.kill();
}
writeFileSync(output, JSON.stringify(results, null, 1));
