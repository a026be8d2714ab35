import assert from "node:assert/strict";
import { buildWorld, call, createTestApp } from "./support.ts";

Deno.test("smoke", async () => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const res = await call(t, "GET", "/api/v1/branches", { token: w.tokens.regionManager });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.count, 2);
  t.close();
});
