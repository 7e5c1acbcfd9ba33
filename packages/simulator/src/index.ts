/**
 * `@mjgate/simulator`: a local server that speaks every supported vendor's API on 127.0.0.1, with a
 * pausable clock, faults on demand and a ledger of what it accepted — for tests, demos and offline work.
 *
 * @module @mjgate/simulator
 */
export { DEFAULT_SPEED, type SimulatorClock } from './clock';
export type { ActiveFault, FaultKind, FaultRequest, FaultRule, Faults } from './faults';
export { TIMINGS } from './jobs';
export type { Ledger, LedgerFilter, Submission, WebhookDelivery } from './ledger';
export { MJPROXY_DIALECTS, type MjProxyDialect, type MjProxyOptions } from './mjproxy';
export { type Simulator, type SimulatorOptions, startSimulator } from './server';
export {
  type RequestFilter,
  type RequestRecord,
  type RouteCategory,
  type SimulatorStats,
  VENDORS,
  type Vendor,
} from './types';
