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
 * - `clients <tenant id>`, one per agency (migration 0016): a client made,
 *   deleted, or changed in what a search reads (placement, deletion, status,
 *   creation time, searched columns), and a branch's tenant or region. It
 *   guards whole copies of a scope's clients (client-search.ts), which are
 *   dear to make again, so a write in one agency must not empty another's.
 * The counters are read again only when the change version has moved: the two
 * platform ones together, an agency's alone when it is first asked for; a cache
 * compares the counter its entry was made under.
 *
 * `access` and `client_counts` are one for the whole platform: a new client
 * anywhere has every scope sum its count again (4–8 µs each in SQLite), and a
 * logout anywhere has every user's actor read again (~40 µs each). Those writes
 * are rare beside the ones that move neither (notes, tasks, documents, audit
 * rows); a counter per agency would cost a read per agency per commit instead.
 * Where nothing reads them (D1, libSQL over HTTP, which have no change version)
 * the triggers still run: one more row written by such a write. A counter moves
 * only forward unless the file itself is swapped under a running server.
 * @module
 */
import { eq, inArray, sql } from "drizzle-orm";
import type { Database } from "./database.ts";
import { preparedPerDatabase } from "./prepared.ts";
import { change_epochs } from "./schema/index.ts";

type PlatformEpoch = "access" | "client_counts";
export type EpochName = PlatformEpoch | `clients ${string}`;
type Epochs = Record<PlatformEpoch, number>;

/** What was read under one change version: the platform counters, and agencies' as asked. */
type Seen = { version: number; epochs: Promise<Epochs>; agencies: Map<string, Promise<number>> };
const seen = new WeakMap<Database, Seen>();
const preparedRead = preparedPerDatabase<ReturnType<typeof buildRead>>(2);

function buildRead(db: Database, names: PlatformEpoch[] | undefined) {
  return db.select({ name: change_epochs.name, n: change_epochs.n }).from(change_epochs)
    .where(
      names ? inArray(change_epochs.name, names) : eq(change_epochs.name, sql.placeholder("name")),
    ).prepare();
}

function readEpochs(db: Database): Promise<Epochs> {
  const epochs: Epochs = { access: 0, client_counts: 0 };
  const read = preparedRead(db, "platform", () => buildRead(db, ["access", "client_counts"]));
  return read.all().then((rows) => {
    for (const { name, n } of rows) epochs[name as PlatformEpoch] = n;
    return epochs;
  });
}

/** One counter; a row never written is 0 (its first move writes 1). */
function readEpoch(db: Database, name: string): Promise<number> {
  const read = preparedRead(db, "one", () => buildRead(db, undefined));
  return read.get({ name }).then((row) => row?.n ?? 0);
}

/** Forgets `read` if it fails, so the next caller reads again. */
function keptUnlessFailed<T>(read: Promise<T>, forget: () => void): Promise<T> {
  read.catch(forget);
  return read;
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
    const read: Seen = { version, epochs: readEpochs(db), agencies: new Map() };
    keptUnlessFailed(read.epochs, () => seen.get(db) === read && seen.delete(db));
    seen.set(db, entry = read);
  }
  if (name === "access" || name === "client_counts") {
    return entry.epochs.then((epochs) => epochs[name]);
  }
  const { agencies } = entry;
  let epoch = agencies.get(name);
  if (!epoch) {
    const read = readEpoch(db, name);
    agencies.set(name, epoch = keptUnlessFailed(read, () => agencies.delete(name)));
  }
  return epoch;
}
