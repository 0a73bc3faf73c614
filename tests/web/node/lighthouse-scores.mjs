// Lighthouse on pages of an already running Chromium (the test started it):
//   node lighthouse-scores.mjs PORT [--keep-storage] [--desktop] URL...
// Prints one JSON line per URL: {url, performance, accessibility, "best-practices", failed}.
// --keep-storage keeps the site's storage (a signed-in session) and cache between runs;
// --desktop uses Lighthouse's desktop settings instead of its default (a throttled phone).
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";

const CATEGORIES = ["performance", "accessibility", "best-practices"];
const [port, ...args] = process.argv.slice(2);
const keepStorage = args.includes("--keep-storage");
const desktop = args.includes("--desktop");
const urls = args.filter((a) => !a.startsWith("--"));

for (const url of urls) {
  const result = await lighthouse(url, {
    port: Number(port), output: "json", logLevel: "error", onlyCategories: CATEGORIES,
    disableStorageReset: keepStorage,
  }, desktop ? desktopConfig : undefined);
  const { categories, audits } = result.lhr;
  const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round(categories[c].score * 100)]));
  // What cost points, to say why when a score is low.
  const failed = Object.values(audits)
    .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== "informative")
    .map((a) => `${a.id}: ${a.displayValue || a.score}`);
  console.log(JSON.stringify({ url, ...scores, failed }));
}
