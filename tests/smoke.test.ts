import assert from "node:assert/strict";
import { buildWorld, call, createTestApp } from "./support.ts";

Deno.test("smoke: a consultant creates a client in its branch and a region manager sees it", async () => {
  const t = await createTestApp();
  const w = await buildWorld(t);
  const created = await call(t, "POST", "/api/v1/clients", {
    token: w.tokens.consultant,
    body: {
      first_name: "Asha",
      last_name: "Karki",
      nationality: "np",
      visa_expiry_date: "2027-03-31",
    },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.branch_id, w.branches.A1a.id);
  assert.equal(created.body.assigned_to, w.users.consultant.id);
  assert.equal(created.body.nationality, "NP");
  const seen = await call(t, "GET", "/api/v1/clients?nationality=NP", {
    token: w.tokens.regionManager,
  });
  assert.equal(seen.body.count, 1, seen.text);
  const hidden = await call(t, "GET", `/api/v1/clients/${created.body.id}`, {
    token: w.tokens.regionManagerA2,
  });
  assert.equal(hidden.status, 404);
  t.close();
});
