/**
 * `search=` over a scope's live clients, from a copy in memory. A substring has
 * no index to seek (a term matches anywhere in a name, an email, a phone), so in
 * SQLite every search walks the scope's index entries: a consultant's 1,110
 * active clients took ~250 µs, twice a whole plain list. The copy holds each
 * live client's id, status and searched text in created order; a search scans it
 * (~30 µs for a branch, ~250 µs for an agency of 10,000) and reads only the rows
 * of its page, by id.
 *
 * The copy is exact: it is kept with the agency's `clients` counter (migration
 * 0016, change-epochs.ts), which every write that changes what it holds moves in
 * its own transaction, whatever made the write, and which is read again after
 * every commit. The page's rows are read by id with the scope, the deleted rule
 * and `status=` again (not the term: LIKE on whole rows cost ~5 µs a row), so
 * no id can bring in a row from outside them.
 *
 * A scope is copied only once it is searched often between the writes that
 * move its counter ({@link SEARCHES_BEFORE_COPY}).
 *
 * Only where it is cheap to be right: the embedded file (no change version over
 * HTTP or D1), a live list with `search=` and at most `status=` besides, in
 * created order either way, by page number (a cursor page seeks in SQL).
 * @module
 */
import { and, desc, isNull, type SQL, sql } from "drizzle-orm";
import { changeEpoch } from "../../db/change-epochs.ts";
import type { Database } from "../../db/database.ts";
import { preparedPerDatabase } from "../../db/prepared.ts";
import { clients } from "../../db/schema/index.ts";
import { lruPerOwner } from "../../lib/lru.ts";
import { searchTerm } from "../../lib/search.ts";
import { clientsInScope, scopeArgs, scopePlaceholders } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type { ListClientsQuery } from "./clients.schemas.ts";

/**
 * A scope's live clients, newest first: ids and statuses, and the searched texts
 * joined by U+001E, client `i`'s text starting at `starts[i]`. One indexOf over
 * the joined text finds a term several times faster than one `includes` per
 * client (~24 ns each: 240 µs for an agency of 10,345). A term holds no control
 * character (clients.schemas.ts), so no match spans two clients, whatever their
 * texts hold. A scope larger than the memory allows is held as not `complete`,
 * with no clients, and is not read again while the cache holds it.
 */
type Copy = {
  stamp: number;
  complete: boolean;
  ids: string[];
  statuses: string[];
  texts: string;
  starts: number[];
};
const SEPARATOR = "\x1e";

/**
 * Clients held per database (a thread's connection), over all copies: ~250 bytes
 * each, so ~50 MB at most. A scope larger than this is searched in SQLite.
 */
const MAX_CLIENTS = 200_000;
const copiesIn = lruPerOwner<Database, string, Copy>(
  MAX_CLIENTS,
  (copy) => Math.max(1, copy.ids.length),
);
/** Copies being read, so the requests that find one missing at once read it once. */
const reading = new WeakMap<Database, Map<string, Promise<Copy>>>();

/**
 * Folds A–Z to a–z and nothing else, as SQLite's LIKE and lower() do without ICU
 * (`'É' LIKE 'é'` is false), so both paths match the same clients.
 */
function foldAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

type CopyRow = { ids: string; statuses: string; texts: string; n: number };

/**
 * A scope's columns as three joined texts, folded by SQLite's lower(): a row per
 * client through libSQL and a fold in JavaScript took 5 ms for 2,614 clients,
 * JSON arrays 2.6 ms. A value may hold its separator (a name with U+001E, a
 * comma written in plain SQL), so each is counted: one that holds it makes too
 * many, and the scope is read again as JSON arrays. The aggregate reads a
 * subquery with ORDER BY and LIMIT, which SQLite runs as a coroutine in that
 * order (json-rows.ts).
 */
function buildCopyRead(db: Database, level: TenantScope["level"], json: boolean) {
  const live = db.select({ id: clients.id, status: clients.status, text: clients.search_text })
    .from(clients)
    .where(and(clientsInScope(scopePlaceholders(level), db), isNull(clients.deleted_at)))
    .orderBy(desc(clients.created_at), desc(clients.id))
    .limit(sql.placeholder("limit"))
    .as("live");
  const joined = (value: SQL, separator: SQL) =>
    json
      ? sql<string>`json_group_array(${value})`
      : sql<string>`coalesce(group_concat(${value}, ${separator}), '')`;
  return db.select({
    ids: joined(sql`${live.id}`, sql`','`),
    statuses: joined(sql`${live.status}`, sql`','`),
    texts: joined(sql`lower(${live.text})`, sql`char(30)`),
    n: sql<number>`count(*)`,
  }).from(live).limit(1).prepare();
}
const preparedCopy = preparedPerDatabase<ReturnType<typeof buildCopyRead>>(6);

/** `joined` split at `separator` into `n` values, or undefined if a value holds it. */
function split(joined: string, separator: string, n: number): string[] | undefined {
  const values = joined === "" ? [] : joined.split(separator);
  return values.length === n ? values : undefined;
}

/** Where each of `texts` starts once they are joined by the separator. */
function startsOf(texts: string[]): number[] {
  const starts: number[] = [];
  for (let i = 0, at = 0; i < texts.length; at += texts[i++].length + 1) starts.push(at);
  return starts;
}

/** The copy of a scope larger than the memory allows: no clients. */
function tooLarge(stamp: number): Copy {
  return { stamp, complete: false, ids: [], statuses: [], texts: "", starts: [] };
}

async function readCopy(db: Database, scope: TenantScope, stamp: number): Promise<Copy> {
  const read = (json: boolean) =>
    preparedCopy(db, `${scope.level} ${json}`, () => buildCopyRead(db, scope.level, json))
      .all({ ...scopeArgs(scope), limit: MAX_CLIENTS + 1 }).then((rows) => rows[0] as CopyRow);
  const row = await read(false);
  if (row.n > MAX_CLIENTS) {
    return tooLarge(stamp);
  }
  let ids = split(row.ids, ",", row.n);
  let statuses = split(row.statuses, ",", row.n);
  let texts = split(row.texts, SEPARATOR, row.n);
  let joined = row.texts;
  if (!ids || !statuses || !texts) {
    const again = await read(true);
    if (again.n > MAX_CLIENTS) {
      return tooLarge(stamp);
    }
    [ids, statuses, texts] = [again.ids, again.statuses, again.texts].map((array) =>
      JSON.parse(array) as string[]
    );
    joined = texts.join(SEPARATOR);
  }
  return { stamp, complete: true, ids, statuses, texts: joined, starts: startsOf(texts) };
}

/** The client whose text holds position `at`: the last start at or before it. */
function clientAt(starts: number[], at: number): number {
  let low = 0, high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= at) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * Making a copy costs as much as ~8 searches in SQLite (2,614 clients: 1.7 ms
 * against ~0.2 ms of walking a search saves, both growing with the scope), so a
 * scope is searched in SQLite until it has been searched this often under one
 * counter value, and copied then. In process, a consultant's search with a write
 * of a status in its own agency before every 8th, 16th, 32nd or 100th search:
 * 373–415, 479–569, 371–419, 244–263 µs a search, against 373–430, 357–373,
 * ~355, 351 µs with SQLite alone; with no write, 130–175 against 420–450. Where
 * writes move the counter between almost every search, nothing is copied.
 */
export const SEARCHES_BEFORE_COPY = 16;
/** Per scope, the searches SQLite answered under the counter value they saw. */
const searchedIn = lruPerOwner<Database, string, { stamp: number; searches: number }>(10_000);

/**
 * The scope's copy as of `stamp`, or undefined while SQLite should answer: not
 * searched often enough under it yet, or larger than the memory allows.
 */
function copyOf(
  db: Database,
  scope: TenantScope,
  stamp: number,
): Promise<Copy | undefined> | Copy | undefined {
  const key = `${scope.level} ${JSON.stringify(scopeArgs(scope))}`;
  const copies = copiesIn(db);
  const held = copies.get(key);
  // Too large once, searched in SQLite from then on: reading it again to find it
  // still too large would stall the thread after every write.
  if (held && !held.complete) return undefined;
  if (held?.stamp === stamp) return held;
  const searched = searchedIn(db);
  const seen = searched.get(key);
  if (seen?.stamp !== stamp) {
    searched.set(key, { stamp, searches: 1 });
    return undefined;
  }
  if (++seen.searches < SEARCHES_BEFORE_COPY) return undefined;
  let inFlight = reading.get(db);
  if (!inFlight) reading.set(db, inFlight = new Map());
  const flying = `${key} ${stamp}`;
  let read = inFlight.get(flying);
  if (!read) {
    read = readCopy(db, scope, stamp).then((copy) => {
      // A copy read under an older counter never replaces a newer one.
      if ((copies.get(key)?.stamp ?? -1) < stamp) copies.set(key, copy);
      return copy;
    }).finally(() => inFlight.delete(flying));
    inFlight.set(flying, read);
  }
  return read.then((copy) => copy.complete ? copy : undefined);
}

/**
 * The ids of the clients `query` lists, in its order, when it is a list this
 * answers from memory; undefined for any other list, which SQLite answers.
 * `filters` are the names of the filters the query gives.
 */
export async function searchedIds(
  db: Database,
  scope: TenantScope,
  query: ListClientsQuery,
  filters: string[],
): Promise<string[] | undefined> {
  const term = searchTerm(query.search);
  const ordering = query.ordering ?? "-created_at";
  if (
    term === undefined || query.cursor !== undefined || query.include_deleted ||
    query.only_deleted || (ordering !== "-created_at" && ordering !== "created_at") ||
    !filters.every((name) => name === "search" || name === "status")
  ) return undefined;
  const stamp = await changeEpoch(db, `clients ${scope.tenantId}`, scope.actor.version);
  if (stamp === undefined) return undefined;
  const copy = await copyOf(db, scope, stamp);
  if (!copy) return undefined;
  const folded = foldAscii(term);
  const { status } = query;
  const { texts, starts } = copy;
  const ids: string[] = [];
  for (let at = texts.indexOf(folded); at >= 0;) {
    const i = clientAt(starts, at);
    if (!status || copy.statuses[i] === status) ids.push(copy.ids[i]);
    // On from the next client's text: one match is enough.
    if (i + 1 >= starts.length) break;
    at = texts.indexOf(folded, starts[i + 1]);
  }
  return ordering === "created_at" ? ids.reverse() : ids;
}
