/**
 * The demo page in a real browser: headless Chromium (Debian's, driven by
 * playwright-core) against a real server on 127.0.0.1. Skipped where Chromium is
 * not installed; .ci/run installs it.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { runBatch } from "../../db/batch.ts";
import { deliverNotifications, notificationSteps } from "../../notifications/notify.ts";
import { buildWorld, createTestApp, PASSWORD } from "../../../tests/support.ts";

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

    const drafts = ["Collect police certificate", "Book medical"].map((title) => ({
      tenantId: w.tenantA.id,
      recipientId: w.users.consultant.id,
      type: "task_assigned" as const,
      title,
      createdBy: w.users.branchAdmin.id,
    }));
    const { steps, ids } = notificationSteps(t.db, drafts, new Date());
    await runBatch(t.db, steps);
    await deliverNotifications(t.db, t.deps.hub, ids);

    await page.waitForSelector("#events li:nth-child(2)", { timeout: 5000 });
    const titles = await page.locator("#events li strong").allTextContents();
    assert.deepEqual(titles, ["Book medical", "Collect police certificate"]);
  } finally {
    await browser.close();
    await server.shutdown();
    t.close();
  }
});
