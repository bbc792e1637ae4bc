// The HTML report and the Mermaid output in a real headless Chromium.
//
// Run from .ci/run (which installs Chromium and these npm packages), or by
// hand:
//   cargo build && (cd tests/browser && npm ci && node --test)
// ACTLINT_BIN names the actlint binary (default: target/debug/actlint);
// CHROMIUM names the browser (default: /usr/bin/chromium).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const actlint = process.env.ACTLINT_BIN || join(root, "target/debug/actlint");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const mermaidJs = createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js");

// A model with two outputs and findings on three layers.
const MULTI_OUTPUT = "fixtures/corpus/keras3/models/detector_multi_output_list.json";
const EXPECTED_CODES = { conv2d: "ACT401", conv2d_1: "ACT401", bbox: "ACT103" };

let work;
let context;

function run(args) {
  // actlint exits 1 when it reports findings.
  const r = spawnSync(actlint, args, { cwd: root, encoding: "utf8" });
  assert.ok(r.status === 0 || r.status === 1, `actlint ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), "actlint-browser-"));
  context = await chromium.launchPersistentContext(join(work, "profile"), {
    executablePath: browserPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
});

after(async () => {
  if (context) await context.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

// Opens a page, recording console errors, page errors and every request.
async function open(url) {
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => requests.push(r.url()));
  if (url) await page.goto(url);
  return { page, problems, requests };
}

test("the report of a multi-output model: marked layers, selection both ways, no errors, no requests", async () => {
  const report = join(work, "report.html");
  run(["--format", "html", "-o", report, MULTI_OUTPUT]);
  const url = pathToFileURL(report).href;
  const { page, problems, requests } = await open(url);

  // The graph is drawn and visible.
  const svg = page.locator("section.file svg.actlint-graph");
  assert.equal(await svg.count(), 1);
  assert.ok(await svg.isVisible(), "the graph is visible");
  assert.equal(await page.locator("g.node").count(), 7);

  // The marked layers, by name, carry the right codes.
  const marked = await page.$$eval("g.node[data-codes]", (nodes) =>
    Object.fromEntries(nodes.map((n) => [n.querySelector("text").textContent, n.getAttribute("data-codes")])));
  assert.deepEqual(marked, EXPECTED_CODES);
  const sev = await page.$eval("g.node[data-codes='ACT103']", (n) => n.getAttribute("data-severity"));
  assert.equal(sev, "warning");

  // Clicking the ACT103 finding highlights the `bbox` layer, and only it.
  await page.click("li.finding[data-code='ACT103'] .message");
  const lit = await page.$$eval("g.node.highlight", (ns) => ns.map((n) => n.querySelector("text").textContent));
  assert.deepEqual(lit, ["bbox"]);
  assert.ok(await page.locator("li.finding[data-code='ACT103']").evaluate((li) => li.classList.contains("selected")));

  // Clicking the `conv2d_1` layer selects the ACT401 finding.
  const conv = page.locator("g.node", { hasText: "conv2d_1" });
  await conv.locator("rect").click();
  assert.ok(await conv.evaluate((n) => n.classList.contains("highlight")));
  const selected = await page.$$eval("li.finding.selected", (ls) => ls.map((l) => l.getAttribute("data-code")));
  assert.deepEqual(selected, ["ACT401"]);

  // A rule's documentation opens on demand.
  await page.click("li.finding[data-code='ACT103'] .doc-button");
  assert.ok(await page.locator("#doc-dialog").isVisible());
  assert.match(await page.locator("#doc-text").textContent(), /ACT103|classification-output-with-regression-loss/);

  // Zooming changes the view.
  const before = await page.$eval(".canvas", (c) => c.style.transform);
  await page.keyboard.press("Escape");
  await page.click("button[data-zoom='in']");
  assert.notEqual(await page.$eval(".canvas", (c) => c.style.transform), before);

  assert.deepEqual(problems, []);
  assert.deepEqual(requests, [url], "the page requests nothing but itself");
  await page.close();
});

test("a report of many files, a large model among them, loads without errors", async () => {
  const report = join(work, "many.html");
  run(["--format", "html", "-o", report, "fixtures/corpus/keras3"]);
  const url = pathToFileURL(report).href;
  const { page, problems, requests } = await open(url);
  const nodes = await page.locator("g.node").count();
  assert.ok(nodes > 1000, `${nodes} boxes`);
  assert.deepEqual(problems, []);
  assert.deepEqual(requests, [url]);
  await page.close();
});

test("the Mermaid output parses and renders with the official mermaid package", async () => {
  const files = [
    MULTI_OUTPUT,
    "fixtures/corpus/keras3/models/augment_nested_sequential.json",
    "fixtures/corpus/keras3/models/ticket_triage_multi_io.json",
    "fixtures/forum/rainfall_lstm.yaml",
    "fixtures/formats/unicode_names.yaml",
    "fixtures/corpus/keras3/models/ner_bilstm_tagger.json",
    "fixtures/graph/hostile_names.yaml",
    "fixtures/rules/ACT003/bad.keras.json",
  ];
  const { page, problems } = await open(null);
  await page.setContent("<!DOCTYPE html><html><body></body></html>");
  await page.addScriptTag({ content: readFileSync(mermaidJs, "utf8") });
  await page.evaluate(() => window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict" }));
  for (const file of files) {
    const text = run(["graph", "--format", "mermaid", file]);
    const result = await page.evaluate(async (t) => {
      try {
        const parsed = await window.mermaid.parse(t);
        const { svg } = await window.mermaid.render("g" + Math.floor(Math.random() * 1e9), t);
        return { ok: true, type: parsed.diagramType, svg: svg.length };
      } catch (e) {
        return { ok: false, error: String(e && e.message || e) };
      }
    }, text);
    assert.ok(result.ok, `${file}: ${result.error}\n${text}`);
    assert.equal(result.type, "flowchart-v2");
  }
  assert.deepEqual(problems, []);
  await page.close();
});
