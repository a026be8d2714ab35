/**
 * Counters of a part of the data, for caches that depend on only that part. The
 * change version (change-version.ts) moves with every commit, by any agency; a
 * cache keyed on it alone is emptied by every write, and each user's or scope's
 * entry is then read again, so the work per write grows with the users served
 * (twenty agencies listing while another saved an edit every 10 ms: +1.3 ms of
 * reads per write, in process). Triggers (migration 0015) move these counters in
 * the writing transaction instead, whatever wrote the row:
 * - `access`: a user's id, role, tenant, region, branch or activity, a tenant's
 *   activity, a session's user, expiry or revocation; a deleted user, tenant or
 *   session. Everything a live actor is read from (auth/live-actor.ts).
 * - `client_counts`: any row of client_counts, and a branch's tenant or region
 *   (a region's count sums the rows of its branches).
 * The counters are read again only when the change version has moved, once for
 * all of them; a cache compares the counter its entry was made under.
 *
 * Each counter is one for the whole platform, not one per agency: a new client
 * anywhere has every scope sum its count again (4–8 µs each in SQLite), and a
 * logout anywhere has every user's actor read again (~40 µs each). Those writes
 * are rare beside the ones that move neither (notes, tasks, documents, audit
 * rows); a counter per agency would cost a read per agency per commit instead.
 * Where nothing reads them (D1, libSQL over HTTP, which have no change version)
 * the triggers still run: one more row written by such a write. A counter moves
 * only forward unless the file itself is swapped under a running server.
 * @module
 */
import type { Database } from "./database.ts";
import { preparedPerDatabase } from "./prepared.ts";
import { change_epochs } from "./schema/index.ts";

export type EpochName = "access" | "client_counts";
type Epochs = Record<EpochName, number>;

const seen = new WeakMap<Database, { version: number; epochs: Promise<Epochs> }>();
const preparedRead = preparedPerDatabase<ReturnType<typeof buildRead>>(1);

function buildRead(db: Database) {
  return db.select({ name: change_epochs.name, n: change_epochs.n }).from(change_epochs).prepare();
}

function readEpochs(db: Database): Promise<Epochs> {
  return preparedRead(db, "epochs", () => buildRead(db)).all().then((rows) => {
    const epochs: Epochs = { access: 0, client_counts: 0 };
    for (const { name, n } of rows) if (Object.hasOwn(epochs, name)) epochs[name as EpochName] = n;
    return epochs;
  });
}

/**
 * The counter `name` as of change version `version` (changeVersion(db), read
 * before the value the counter will guard, so a commit in between leaves that
 * value marked older than it is, never newer), or undefined where `db` has no
 * change version (libSQL over HTTP, D1).
 */
export function changeEpoch(
  db: Database,
  name: EpochName,
  version: number | undefined,
): Promise<number> | undefined {
  if (version === undefined) return undefined;
  let entry = seen.get(db);
  // A request begun before a commit asks for an older version: the newer read
  // serves it as well (it only marks what it guards older than it is).
  if (!entry || entry.version < version) {
    const read = { version, epochs: readEpochs(db) };
    // A failed read is not kept for the version: the next caller reads again.
    read.epochs.catch(() => seen.get(db) === read && seen.delete(db));
    seen.set(db, entry = read);
  }
  return entry.epochs.then((epochs) => epochs[name]);
}
