/**
 * The few Cloudflare Workers platform types the Worker entry uses, declared here so
 * `deno check` needs neither JSR nor `@cloudflare/workers-types` (whose globals
 * clash with Deno's). Names and shapes follow workers-types; only what we call.
 * @module
 */

/** A workerd WebSocket: accepted explicitly, with a small attachment that survives hibernation. */
export type WorkerWebSocket = WebSocket & {
  accept(): void;
  serializeAttachment(value: unknown): void;
  deserializeAttachment(): unknown;
};

/** `new WebSocketPair()`: index 0 goes back to the caller, index 1 stays. */
export type WebSocketPairConstructor = new () => { 0: WorkerWebSocket; 1: WorkerWebSocket };

/** A Durable Object's view of itself: the WebSocket Hibernation API and its storage. */
export type DurableObjectState = {
  acceptWebSocket(socket: WorkerWebSocket, tags?: string[]): void;
  getWebSockets(tag?: string): WorkerWebSocket[];
  storage: {
    get<T>(key: string): Promise<T | undefined>;
    put(key: string, value: unknown): Promise<void>;
    deleteAll(): Promise<void>;
    setAlarm(scheduledTime: number): Promise<void>;
  };
};

export type DurableObjectId = { toString(): string };

/** A stub: `fetch` plus the object's public methods, called over RPC (always async). */
export type DurableObjectStub<T> =
  & { fetch(input: string, init?: RequestInit): Promise<Response> }
  & {
    [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] extends
      (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
  };

export type DurableObjectNamespace<T> = {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): DurableObjectStub<T>;
};

/** The D1 binding, as far as drizzle-orm/d1 and our entry need to name it. */
export type D1Database = {
  prepare(query: string): unknown;
  batch(statements: unknown[]): Promise<unknown[]>;
  exec(query: string): Promise<unknown>;
  /** D1 read replication (Sessions API): a bookmark, or where the first query goes. */
  withSession(bookmarkOrConstraint: string): D1DatabaseSession;
};

/** A D1 session: queries like the binding's, and the bookmark of the newest one seen. */
export type D1DatabaseSession = {
  prepare(query: string): unknown;
  batch(statements: unknown[]): Promise<unknown[]>;
  getBookmark(): string | null;
};

export type ExecutionContext = {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
  props: unknown;
};

export type ScheduledController = { cron: string; scheduledTime: number };

/** The Response of a WebSocket upgrade carries the caller's end of the socket. */
export type UpgradeResponse = Response & { webSocket: WorkerWebSocket | null };
