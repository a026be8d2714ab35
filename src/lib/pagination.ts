/**
 * The one pagination helper: page numbers (`?page=&page_size=`) with a count, or
 * keyset cursors (`?cursor=`) for deep scans, in DRF's list envelope (SPEC §4).
 * @module
 */
import { z } from "@hono/zod-openapi";
import { and, asc, desc, eq, gt, isNotNull, isNull, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { answersInProcess } from "../db/change-version.ts";
import type { Database } from "../db/database.ts";
import {
  type JoinedRows,
  joinRows,
  parseRow,
  type RowsText,
  type RowText,
} from "../db/json-rows.ts";
import { ApiError } from "./errors.ts";

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

/** Query parameters every list accepts; a resource adds its filters to these. */
export const pageQueryFields = {
  page: z.coerce.number().int().min(1).optional().openapi({
    description: "1-based page number (page mode).",
    example: 1,
  }),
  page_size: z.coerce.number().int().min(1).optional().openapi({
    description: `Rows per page, default ${DEFAULT_PAGE_SIZE}; above ${MAX_PAGE_SIZE} is capped.`,
    example: 25,
  }),
  cursor: z.string().max(512).optional().openapi({
    description: "Opaque keyset cursor from a previous `next` (cursor mode; `count` is null).",
  }),
};

/** `ordering` for a resource: one of its whitelisted fields, `-` for descending. */
export function orderingField<const F extends readonly [string, ...string[]]>(fields: F) {
  const values = fields.flatMap((f) => [f, `-${f}`]) as [string, ...string[]];
  return z.enum(values).optional().openapi({
    description: `Sort field, \`-\` for descending: ${fields.join(", ")}.`,
    example: `-${fields[0]}`,
  });
}

export type PageQuery = { page?: number; page_size?: number; cursor?: string; ordering?: string };

export type Page<T> = {
  count: number | null;
  next: string | null;
  previous: string | null;
  results: T[];
};

/** Returns a schema for the list envelope around a row schema. */
export function pageSchema<T extends z.ZodType>(row: T, name: string) {
  return z.object({
    count: z.number().int().nullable().openapi({ example: 1 }),
    next: z.string().url().nullable().openapi({ example: null }),
    previous: z.string().url().nullable().openapi({ example: null }),
    results: z.array(row),
  }).openapi(name);
}

/**
 * How a list may be ordered: by field name, a column or several compared in turn
 * (`position` of stages is type, then position), and the tie-breaker id. A nullable
 * column sorts its NULLs first ascending and last descending, as SQLite does. Rows
 * carry each column under its column name.
 */
export type Ordering = {
  columns: Record<string, SQLiteColumn | readonly SQLiteColumn[]>;
  id: SQLiteColumn;
  default: string;
};

/**
 * Loads rows of the filtered set: `where` is the keyset condition (cursor mode) or
 * undefined; `order` names the ordering, for a source that prepares one statement
 * per order.
 */
export type RowSource<Row> = {
  rows: (
    where: SQL | undefined,
    orderBy: SQL[],
    limit: number,
    offset: number,
    order: string,
  ) => Promise<Row[]>;
  count: () => Promise<number>;
  /**
   * The count may wait for the page (the database answers in process): it is then
   * asked only when the page cannot tell it ({@link pageAndCount}).
   */
  countAfterPage?: boolean;
};

/**
 * The count half of a {@link RowSource}: `where`'s rows of `table`, asked after
 * the page (and only when it cannot tell it) where the database answers in process.
 */
export function countOf(
  db: Database,
  table: SQLiteTable,
  where: SQL | undefined,
): Pick<RowSource<unknown>, "count" | "countAfterPage"> {
  return { count: () => db.$count(table, where), countAfterPage: answersInProcess(db) };
}

type CursorValue = string | number | null;
type Cursor = { o: string; v: CursorValue[]; id: string };

function encodeCursor(cursor: Cursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify(cursor));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replaceAll("=", "");
}

const isCursorValue = (v: unknown): v is CursorValue =>
  v === null || typeof v === "string" || typeof v === "number";

function decodeCursor(raw: string, ordering: string, keyCount: number): Cursor {
  try {
    const b64 = raw.replaceAll("-", "+").replaceAll("_", "/");
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const cursor = JSON.parse(new TextDecoder().decode(bytes)) as {
      o: unknown;
      v: unknown;
      id: unknown;
    };
    // A cursor handed out before orderings had several keys carries one value, not a list.
    const values = Array.isArray(cursor.v) ? cursor.v : keyCount ? [cursor.v] : [];
    if (
      values.length === keyCount && values.every(isCursorValue) &&
      typeof cursor.id === "string" && cursor.o === ordering
    ) {
      return { o: ordering, v: values, id: cursor.id };
    }
  } catch { /* answered below */ }
  throw new ApiError(422, "validation_error", "Invalid cursor for this list and ordering.", [
    { path: ["cursor"], message: "Invalid cursor" },
  ]);
}

/**
 * `url` with `params` set (or deleted, for null), as `URL.searchParams` would
 * write it; only the query is parsed (a whole URL parsed and re-serialised twice
 * was 4% of a list request).
 */
function withParams(url: string, params: Record<string, string | null>): string {
  const [rest, fragment] = splitAt(url, "#");
  const [base, query] = splitAt(rest, "?");
  const search = new URLSearchParams(query.slice(1));
  for (const [k, v] of Object.entries(params)) {
    if (v === null) search.delete(k);
    else search.set(k, v);
  }
  const serialized = search.toString();
  return base + (serialized ? `?${serialized}` : "") + fragment;
}

/** `text` before the first `mark`, and from it on ("" without one). */
function splitAt(text: string, mark: string): [string, string] {
  const at = text.indexOf(mark);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at)];
}

/**
 * Runs one page of a list. Page mode counts the filtered set (two indexed queries);
 * cursor mode skips the count and seeks past the last row seen, so walking a list
 * of any depth costs the same per page and never repeats or skips a row.
 */
export async function paginate<Row extends { id: string }>(
  requestUrl: string,
  query: PageQuery,
  ordering: Ordering,
  source: RowSource<Row>,
): Promise<Page<Row>> {
  const plan = planOf(requestUrl, query, ordering);
  if (plan.cursor) {
    const rows = await source.rows(plan.cursor.seek, plan.orderBy, plan.size + 1, 0, plan.name);
    return cursorPage(plan, rows, (row) => row);
  }
  const [results, count] = await pageAndCount(
    plan,
    source,
    () => source.rows(undefined, plan.orderBy, plan.size, plan.offset, plan.name),
    (rows) => rows.length,
  );
  return numberedPage(plan, count, results);
}

/**
 * A numbered page and its list's count. A page that is short but not empty, or an
 * empty first page, holds the count itself: its offset plus its rows. With
 * `countAfterPage` the page is read first and the count asked only when the page
 * cannot tell it, so a search whose matches fit on one page walks the scope once,
 * not twice (its cached count lasts only until the next write). Over a network (D1,
 * Turso) both are asked at once instead: one round trip, not two in turn.
 */
async function pageAndCount<P>(
  plan: Plan,
  source: Pick<RowSource<unknown>, "count" | "countAfterPage">,
  read: () => Promise<P>,
  rowsOf: (page: P) => number,
): Promise<[P, number]> {
  if (!source.countAfterPage) return await Promise.all([read(), source.count()]);
  const page = await read();
  const rows = rowsOf(page);
  const told = rows < plan.size && (rows > 0 || plan.offset === 0);
  return [page, told ? plan.offset + rows : await source.count()];
}

/**
 * The rows of a text page: cursor pages read row texts (the last one is parsed for
 * the next cursor); a numbered page reads its rows already joined.
 */
export type TextRowSource<Row> = RowSource<RowText<Row>> & {
  page: (orderBy: SQL[], limit: number, offset: number, order: string) => Promise<JoinedRows<Row>>;
};

/** A page of rows as the JSON texts SQLite wrote, joined, answered as they are ({@link pageJson}). */
export type TextPage<Row> = Omit<Page<Row>, "results"> & { results: RowsText<Row> };

/** {@link paginate} over rows read as JSON text (json-rows.ts). */
export async function paginateTexts<Row extends { id: string }>(
  requestUrl: string,
  query: PageQuery,
  ordering: Ordering,
  source: TextRowSource<Row>,
): Promise<TextPage<Row>> {
  const plan = planOf(requestUrl, query, ordering);
  if (plan.cursor) {
    const rows = await source.rows(plan.cursor.seek, plan.orderBy, plan.size + 1, 0, plan.name);
    const page = cursorPage(plan, rows, parseRow);
    return { ...page, results: joinRows(page.results) };
  }
  const [page, count] = await pageAndCount(
    plan,
    source,
    () => source.page(plan.orderBy, plan.size, plan.offset, plan.name),
    (joined) => joined.rows,
  );
  return numberedPage(plan, count, page.text);
}

/** A text page as the JSON of its {@link Page}. */
export function pageJson<Row>(page: TextPage<Row>): string {
  return `{"count":${JSON.stringify(page.count)},"next":${JSON.stringify(page.next)},` +
    `"previous":${JSON.stringify(page.previous)},"results":[${page.results}]}`;
}

/** True for a {@link TextPage}. */
export function isTextPage<Row>(page: Page<Row> | TextPage<Row>): page is TextPage<Row> {
  return typeof page.results === "string";
}

/** What one request asks of a list: its size, order and mode. */
type Plan = {
  url: string;
  size: number;
  /** The ordering's name, as a cursor carries it. */
  name: string;
  keys: SQLiteColumn[];
  orderBy: SQL[];
  page: number;
  offset: number;
  cursor?: { seek: SQL | undefined };
};

type Sort = { keys: SQLiteColumn[]; descending: boolean; orderBy: SQL[] };
const sorts = new WeakMap<Ordering, Map<string, Sort>>();

/**
 * The sort keys and ORDER BY of one of `ordering`'s names, built once (building
 * them through drizzle on every request was 4% of a list's time). The names are
 * the schema's enum, so the map stays small.
 */
function sortOf(ordering: Ordering, name: string): Sort {
  let byName = sorts.get(ordering);
  if (!byName) {
    byName = new Map();
    sorts.set(ordering, byName);
  }
  let sort = byName.get(name);
  if (!sort) {
    const descending = name.startsWith("-");
    const field = descending ? name.slice(1) : name;
    // The schemas allow only these names; anything else must not grow the map.
    if (!Object.hasOwn(ordering.columns, field)) {
      throw new ApiError(422, "validation_error", "Unknown ordering.", [
        { path: ["ordering"], message: `Unknown ordering ${name}` },
      ]);
    }
    const sortColumns = ordering.columns[field];
    const keys = (Array.isArray(sortColumns) ? sortColumns : [sortColumns as SQLiteColumn])
      .filter((column) => column !== ordering.id);
    const direction = descending ? desc : asc;
    const orderBy = [...keys.map((column) => direction(column)), direction(ordering.id)];
    sort = { keys, descending, orderBy };
    byName.set(name, sort);
  }
  return sort;
}

function planOf(requestUrl: string, query: PageQuery, ordering: Ordering): Plan {
  const size = Math.min(query.page_size ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const name = query.ordering ?? ordering.default;
  const { keys, descending, orderBy } = sortOf(ordering, name);
  const page = query.page ?? 1;
  const plan: Plan = {
    url: requestUrl,
    size,
    name,
    keys,
    orderBy,
    page,
    offset: (page - 1) * size,
  };
  if (query.cursor === undefined) return plan;
  if (query.page !== undefined) {
    throw new ApiError(422, "validation_error", "Use either page or cursor, not both.", [
      { path: ["page"], message: "page cannot be combined with cursor" },
    ]);
  }
  const cursor = query.cursor === "" ? null : decodeCursor(query.cursor, name, keys.length);
  return {
    ...plan,
    cursor: { seek: cursor ? seekPast(cursor, keys, ordering.id, descending) : undefined },
  };
}

/** A cursor page from up to `size + 1` rows: one more than the page says there is a next. */
function cursorPage<E, Row extends { id: string }>(
  plan: Plan,
  rows: E[],
  rowOf: (entry: E) => Row,
): Page<E> {
  const results = rows.slice(0, plan.size);
  const lastEntry = results.at(-1);
  const last = rows.length > plan.size && lastEntry !== undefined ? rowOf(lastEntry) : undefined;
  const next = last
    ? withParams(plan.url, {
      cursor: encodeCursor({
        o: plan.name,
        v: plan.keys.map((column) => cursorValue(last, column.name)),
        id: last.id,
      }),
      page: null,
    })
    : null;
  return { count: null, next, previous: null, results };
}

function numberedPage<R>(plan: Plan, count: number, results: R) {
  const { page, size } = plan;
  const next = page * size < count ? withParams(plan.url, { page: String(page + 1) }) : null;
  const previous = page > 1
    ? withParams(plan.url, { page: page - 1 === 1 ? null : String(page - 1) })
    : null;
  return { count, next, previous, results };
}

function cursorValue(row: { id: string }, field: string): CursorValue {
  const value = (row as Record<string, unknown>)[field];
  if (value === null || value === undefined) return null;
  return typeof value === "number" ? value : String(value);
}

/**
 * The rows after the cursor in list order: for keys k1…kn and the id, the OR over i
 * of "k1…k(i-1) equal and ki beyond". NULL follows SQLite's order (first ascending,
 * last descending); NOT NULL columns get plain comparisons, which the indexes serve.
 */
function seekPast(
  cursor: Cursor,
  keys: readonly SQLiteColumn[],
  id: SQLiteColumn,
  descending: boolean,
): SQL {
  const beyond = (column: SQLiteColumn, value: CursorValue): SQL | undefined => {
    if (value === null) return descending ? undefined : isNotNull(column);
    const past = descending ? lt(column, value) : gt(column, value);
    return descending && !column.notNull ? or(past, isNull(column)) : past;
  };
  const branches: SQL[] = [];
  const equalSoFar: SQL[] = [];
  const pairs: [SQLiteColumn, CursorValue][] = [
    ...keys.map((column, i): [SQLiteColumn, CursorValue] => [column, cursor.v[i]]),
    [id, cursor.id],
  ];
  for (const [column, value] of pairs) {
    const past = beyond(column, value);
    if (past) branches.push(equalSoFar.length ? and(...equalSoFar, past)! : past);
    equalSoFar.push(value === null ? isNull(column) : eq(column, value));
  }
  return or(...branches)!;
}
