/** The vendors the simulator speaks, each mounted under `/<vendor>`. */
export type Vendor = 'imaginepro' | 'acedata' | 'apiframe' | 'mjproxy';

export const VENDORS: readonly Vendor[] = ['imaginepro', 'acedata', 'apiframe', 'mjproxy'];

/**
 * What a route does, for fault matching and request counts: `submit` creates a (billable) job,
 * `status` reads jobs (`/fetch`, `/message/fetch/:id`, `/midjourney/tasks`), `account` reads the balance.
 */
export type RouteCategory = 'submit' | 'status' | 'account' | 'other';

/** One request the simulator answered (or dropped). */
export interface RequestRecord {
  seq: number;
  /** Epoch milliseconds. */
  at: number;
  vendor: Vendor | '_sim';
  method: string;
  /** Path below the vendor prefix, e.g. `/fetch` or `/api/v1/message/fetch/3f2…`. */
  path: string;
  /** The route pattern that matched, e.g. `/api/v1/message/fetch/:id`; the path when nothing matched. */
  route: string;
  category: RouteCategory;
  /** HTTP status sent; 0 when the connection was reset. */
  status: number;
  /** The fault kind applied to this request, if any. */
  fault?: string;
}

/** A filter over requests; every field given must match. */
export interface RequestFilter {
  vendor?: Vendor | '_sim';
  method?: string;
  /** A route pattern (`/fetch`, `/api/v1/message/fetch/:id`) or a concrete path. */
  route?: string;
  category?: RouteCategory;
}

/** Request counts, as `sim.stats()` and `GET /_sim/stats` report them. */
export interface SimulatorStats {
  requests: number;
  byVendor: Record<string, number>;
  /** Keyed `"<vendor> <METHOD> <route pattern>"`. */
  byRoute: Record<string, number>;
  byCategory: Record<string, number>;
  /** Keyed by fault kind. */
  faults: Record<string, number>;
  jobs: { total: number; running: number };
  submissions: number;
  webhooks: number;
}
