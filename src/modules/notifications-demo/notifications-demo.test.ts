/**
 * The demo page in a real browser: headless Chromium (Debian's, driven by
 * playwright-core) against a real server on 127.0.0.1. Skipped where Chromium is
 * not installed; .ci/run installs it.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { buildWorld, call, createTestApp, PASSWORD } from "../../../tests/support.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);

Deno.test({
  name: "demo page: a user logs in and sees notifications arrive live",
  ignore: !hasChromium,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => t.app.fetch(request),
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.addr.port}/notifications-demo`);
    await page.fill("#email", w.users.consultant.email);
    await page.fill("#password", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForSelector('#status[data-state="live"]', { timeout: 5000 });

    // A branch admin assigns the consultant two tasks through the API.
    for (const title of ["Collect police certificate", "Book medical"]) {
      const res = await call(t, "POST", "/api/v1/tasks", {
        token: w.tokens.branchAdmin,
        body: { title, assigned_to: w.users.consultant.id },
      });
      assert.equal(res.status, 201, res.text);
    }

    await page.waitForSelector("#events li:nth-child(2)", { timeout: 5000 });
    const titles = await page.locator("#events li strong").allTextContents();
    assert.deepEqual(titles, ["New task: Book medical", "New task: Collect police certificate"]);
  } finally {
    await browser.close();
    await server.shutdown();
    t.close();
  }
});
