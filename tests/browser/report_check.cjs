// Checks a report page in Debian's chromium through puppeteer-core (called by
// tests/test_report_print.py): axe-core on the page and in every frame, tables measured under
// print media at the printable width of A4, print to PDF, screenshots at given widths.
// Usage: node report_check.cjs <tools folder> <job.json>; prints one JSON object.
"use strict";
const fs = require("fs");
const path = require("path");

const [toolsFolder, jobFile] = process.argv.slice(2);
const modules = path.join(toolsFolder, "node_modules");
const puppeteer = require(path.join(modules, "puppeteer-core"));
const axeSource = fs.readFileSync(path.join(modules, "axe-core", "axe.min.js"), "utf8");
const job = JSON.parse(fs.readFileSync(jobFile, "utf8"));

// axe-core's WCAG 2.1 A/AA rules on a frame. Colour contrast, by far the slowest rule (25 s on
// the sample's 14,500 elements), runs on the parts named in contrastIn (each kind of badge,
// marker, table and heading occurs there), every other rule on the whole document.
// job.axe.tags replaces the rule tags (e.g. adding "best-practice": landmarks, regions).
async function axeIn(frame, contrastIn, tags) {
  await frame.evaluate(axeSource);
  return frame.evaluate(async (contrastIn, tags) => {
    const all = await window.axe.run(document, {
      runOnly: { type: "tag", values: tags }, rules: { "color-contrast": { enabled: false } },
      iframes: false });
    const parts = contrastIn.filter((s) => document.querySelector(s));
    const contrast = await window.axe.run(
      parts.length ? { include: parts.map((s) => [s]) } : document,
      { runOnly: { type: "rule", values: ["color-contrast"] }, iframes: false });
    return [...all.violations, ...contrast.violations].map((v) => ({
      id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
  }, contrastIn, tags || ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]);
}

// Tables wider than the body at the current (printed page) width. With landscape true only
// tables printed on landscape pages (CSS "page: wide") count, else only the others.
function tooWide(landscape) {
  const body = document.body.getBoundingClientRect();
  const out = [];
  for (const table of document.querySelectorAll("table")) {
    const box = table.getBoundingClientRect();
    if (box.width === 0) continue;
    let wide = false;
    for (let e = table; e; e = e.parentElement) if (getComputedStyle(e).page === "wide") wide = true;
    if (wide !== landscape) continue;
    const width = Math.max(box.right - body.left, table.scrollWidth);
    if (width > body.width + 1) {
      out.push({ table: ((table.caption && table.caption.textContent.trim()) || "") + " in #" +
                 (table.className || "") + " in " + (table.closest("section")?.getAttribute("aria-labelledby") || ""),
                 width: Math.round(width), page: Math.round(body.width), landscape });
    }
  }
  return out;
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: job.chromium, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const out = { seconds: {} };
  let clock = Date.now();
  const lap = (name) => { out.seconds[name] = (Date.now() - clock) / 1000; clock = Date.now(); };
  try {
    const page = await browser.newPage();
    await page.setRequestInterception(true);  // background map tiles: no network in tests
    page.on("request", (r) => (r.url().startsWith("file:") || r.url().startsWith("data:")
                               || r.url().startsWith("about:") ? r.continue() : r.abort()));
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(job.url, { waitUntil: "load", timeout: 120000 });
    lap("load");
    if (job.axe) {
      out.axe = [];
      for (const frame of page.frames()) {
        const where = frame === page.mainFrame() ? "page" : "iframe";
        const parts = where === "page" ? job.axe.contrast_in : [];
        for (const v of await axeIn(frame, parts, job.axe.tags)) out.axe.push({ frame: where, ...v });
      }
      lap("axe");
    }
    for (const shot of job.screenshots || []) {
      const phone = shot.width < 600;
      await page.setViewport({ width: shot.width, height: shot.height, isMobile: phone, hasTouch: phone });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: shot.path });
      out[`width_${shot.width}`] = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        firstScreen: [...document.querySelectorAll("h2")].filter((h) => {
          const r = h.getBoundingClientRect(); return r.height > 0 && r.top < window.innerHeight; })
          .map((h) => h.textContent.trim()),
      }));
      for (const [i, selector] of (shot.at || []).entries()) {  // more shots, scrolled to elements
        await page.evaluate((s) => document.querySelector(s).scrollIntoView(), selector);
        await page.screenshot({ path: shot.path.replace(/\.png$/, `-${i + 1}.png`) });
      }
      if (shot.sticky) {  // a table's box scrolled right and down: do header and row header stay?
        out[`sticky_${shot.width}`] = await page.evaluate((s) => {
          const box = document.querySelector(s);
          const style = getComputedStyle(box);
          const found = { overflow: style.overflowX + " " + style.overflowY,
                          maxHeight: style.maxHeight, border: style.borderTopStyle };
          box.style.maxHeight = "14rem";  // the sample's tables are short: make this one scroll
          box.scrollIntoView();
          box.scrollLeft = 400; box.scrollTop = 150;
          const frame = box.getBoundingClientRect();
          const rowHeader = box.querySelector("tbody tr:nth-child(4) th[scope=row]").getBoundingClientRect();
          const header = box.querySelector("thead th:last-child").getBoundingClientRect();
          return { ...found, scrolledX: box.scrollLeft, scrolledY: box.scrollTop,
                   rowHeaderLeft: rowHeader.left - frame.left - box.clientLeft,
                   headerTop: header.top - frame.top - box.clientTop,
                   boxBottom: frame.bottom, viewport: window.innerHeight };
        }, shot.sticky);
        await page.screenshot({ path: shot.path.replace(/\.png$/, "-sticky.png") });
      }
    }
    lap("screenshots");
    if (job.pdf) {
      await page.emulateMediaType("print");
      out.print_tables = [];
      for (const [width, landscape] of [[job.pdf.portrait, false], [job.pdf.landscape, true]]) {
        await page.setViewport({ width, height: 1000 });
        out.print_tables.push(...await page.evaluate(tooWide, landscape));
      }
      lap("print_tables");
      out.print_visible = await page.evaluate(() => ({
        iframes: [...document.querySelectorAll("iframe")].filter((f) => f.getClientRects().length > 0).length,
        images: [...document.querySelectorAll("img")].filter((i) => i.getClientRects().length > 0).map((i) => i.alt),
      }));
      if (job.pdf.path) {
        await page.pdf({ path: job.pdf.path, preferCSSPageSize: true, timeout: 120000 });
        lap("pdf");
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stderr.write(String((e && e.stack) || e)); process.exit(1); });
