/**
 * `search=` over a scope's live clients, from a copy in memory. A substring has
 * no index to seek (a term matches anywhere in a name, an email, a phone), so in
 * SQLite every search walks the scope's index entries: a consultant's 1,110
 * active clients took ~250 µs, twice a whole plain list. The copy holds each
 * live client's id, status and searched text in created order; a search scans it
 * (~30 µs) and reads only the rows of its page, by id.
 *
 * The copy is exact: it is kept with the agency's `clients` counter (migration
 * 0016, change-epochs.ts), which every write that changes what it holds moves in
 * its own transaction, whatever made the write, and which is read again after
 * every commit. The page's rows are read with the list's whole condition as
 * well, so no row outside the scope or the filters can reach an answer.
 *
 * Only where it is cheap to be right: the embedded file (no change version over
 * HTTP or D1), a live list with `search=` and at most `status=` besides, in
 * created order either way, by page number (a cursor page seeks in SQL).
 * @module
 */
import { and, desc, isNull, sql } from "drizzle-orm";
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
 * A scope's live clients, newest first: three columns, one entry per client.
 * A scope larger than the memory allows is held as not `complete`, with no
 * clients, so it is not read again until its counter moves.
 */
type Copy = {
  stamp: number;
  complete: boolean;
  ids: string[];
  statuses: string[];
  texts: string[];
};

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

type CopyStatement = {
  values: (args: Record<string, unknown>) => Promise<unknown[][]>;
};
const preparedCopy = preparedPerDatabase<CopyStatement>(3);

/**
 * Folds A–Z to a–z and nothing else, as SQLite's LIKE compares without ICU
 * (`'É' LIKE 'é'` is false), so both paths match the same clients.
 */
function foldAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

async function readCopy(db: Database, scope: TenantScope, stamp: number): Promise<Copy> {
  const statement = preparedCopy(
    db,
    scope.level,
    () =>
      db.select({ id: clients.id, status: clients.status, text: clients.search_text })
        .from(clients)
        .where(and(
          clientsInScope(scopePlaceholders(scope.level), db),
          isNull(clients.deleted_at),
        ))
        .orderBy(desc(clients.created_at), desc(clients.id))
        .limit(sql.placeholder("limit"))
        .prepare(),
  );
  const rows = await statement.values({ ...scopeArgs(scope), limit: MAX_CLIENTS + 1 });
  const copy: Copy = {
    stamp,
    complete: rows.length <= MAX_CLIENTS,
    ids: [],
    statuses: [],
    texts: [],
  };
  if (!copy.complete) return copy;
  // One string per status, not one per client.
  const statuses = new Map<string, string>();
  for (const row of rows) {
    const status = row[1] as string;
    if (!statuses.has(status)) statuses.set(status, status);
    copy.ids.push(row[0] as string);
    copy.statuses.push(statuses.get(status)!);
    copy.texts.push(foldAscii(row[2] as string));
  }
  return copy;
}

/** The scope's copy as of `stamp`, read when missing or older. */
function copyOf(db: Database, scope: TenantScope, stamp: number): Promise<Copy> | Copy {
  const key = `${scope.level} ${JSON.stringify(scopeArgs(scope))}`;
  const copies = copiesIn(db);
  const held = copies.get(key);
  if (held?.stamp === stamp) return held;
  let inFlight = reading.get(db);
  if (!inFlight) reading.set(db, inFlight = new Map());
  const flight = inFlight.get(`${key} ${stamp}`);
  if (flight) return flight;
  const read = readCopy(db, scope, stamp).then((copy) => {
    // A copy read under an older counter never replaces a newer one.
    if ((copies.get(key)?.stamp ?? -1) < stamp) copies.set(key, copy);
    return copy;
  }).finally(() => inFlight.delete(`${key} ${stamp}`));
  inFlight.set(`${key} ${stamp}`, read);
  return read;
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
  if (!copy.complete) return undefined;
  const folded = foldAscii(term);
  const { status } = query;
  const ids: string[] = [];
  for (let i = 0; i < copy.ids.length; i++) {
    if ((!status || copy.statuses[i] === status) && copy.texts[i].includes(folded)) {
      ids.push(copy.ids[i]);
    }
  }
  return ordering === "created_at" ? ids.reverse() : ids;
}
