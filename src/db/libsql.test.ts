import assert from "node:assert/strict";
import { localFilePath } from "./libsql.ts";

Deno.test("localFilePath: the file @libsql/client opens for a URL, or none", () => {
  assert.equal(localFilePath("file:data/leopard.db"), "data/leopard.db");
  assert.equal(localFilePath("file:/srv/leopard%20data/db.db"), "/srv/leopard data/db.db");
  assert.equal(localFilePath("file:///srv/leopard.db"), "/srv/leopard.db");
  assert.equal(localFilePath("file://localhost/srv/leopard.db"), "/srv/leopard.db");
  assert.equal(localFilePath("file:data/leopard.db?tls=0"), "data/leopard.db");
  assert.equal(localFilePath("file::memory:"), null);
  assert.equal(localFilePath("file::memory:?cache=shared"), null);
  assert.equal(localFilePath("file:"), null, "an empty path is a temporary database");
  assert.equal(localFilePath(":memory:"), null);
  assert.equal(localFilePath("libsql://leopard.turso.io"), null);
});
