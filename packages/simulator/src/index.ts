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
