import type { AceDataOptions } from '@mjgate/acedata';
import {
  ACEDATA_API_KEY_ENV,
  ACEDATA_BASE_URL,
  ACEDATA_BASE_URL_ENV,
  ACEDATA_CAPABILITIES,
} from '@mjgate/acedata/vendor';
import type { ApiFrameOptions } from '@mjgate/apiframe';
import {
  APIFRAME_API_KEY_ENV,
  APIFRAME_BASE_URL,
  APIFRAME_BASE_URL_ENV,
  APIFRAME_CAPABILITIES,
} from '@mjgate/apiframe/vendor';
import type { Capabilities, MidjourneyClient, ProviderOptions } from '@mjgate/core';
import type { ImagineProOptions } from '@mjgate/imaginepro';
import {
  IMAGINEPRO_API_KEY_ENV,
  IMAGINEPRO_BASE_URL,
  IMAGINEPRO_BASE_URL_ENV,
  IMAGINEPRO_CAPABILITIES,
} from '@mjgate/imaginepro/vendor';
import type { MjProxyOptions } from '@mjgate/mjproxy';
import { MJPROXY_API_KEY_ENV, MJPROXY_BASE_URL_ENV, MJPROXY_CAPABILITIES } from '@mjgate/mjproxy/vendor';

// Only each adapter's light `/vendor` entry is imported here: an adapter costs ~20 ms of start-up
// and most apps use one or two, so its main module is imported (`load`) when a gateway uses it.

/**
 * One vendor mjgate ships an adapter for: how to load its adapter, and what is known about it
 * without loading it (the adapter package's light `/vendor` entry).
 */
export interface BuiltinVendor<Options = unknown> {
  /** The vendor's name as people write it ("AceData Cloud"), for messages and help text. */
  readonly title: string;
  /** The adapter package, e.g. `@mjgate/acedata`. */
  readonly packageName: string;
  /**
   * Imports the adapter package and resolves with its factory (`create<Vendor>`). The gateway calls
   * it when it is created with this vendor, and builds the client from the factory on first need.
   */
  readonly load: () => Promise<(options: Options) => MidjourneyClient>;
  /** The vendor's environment variables (`<VENDOR>_API_KEY`, `<VENDOR>_BASE_URL`), read by its adapter and the gateway. */
  readonly env: {
    /** The API key, read when `apiKey` is not given. */
    readonly apiKey: string;
    /** Another base URL (a proxy, or the simulator), read when `baseURL` is not given. */
    readonly baseURL: string;
  };
  /**
   * The vendor's own API host, used when no `baseURL` is given. Absent for a protocol with no host of
   * its own (mj-proxy: every server is self-hosted or a relay), whose `baseURL` is required.
   */
  readonly defaultBaseURL?: string;
  /** What the adapter supports, as static data. */
  readonly capabilities: Capabilities;
}

/** Keeps each vendor's own options type while checking the entry's shape. */
function vendor<Options>(entry: BuiltinVendor<Options>): BuiltinVendor<Options> {
  return entry;
}

/**
 * The built-in vendors, in the order the gateway lists them: the one table the gateway, its
 * configuration, the environment reader and the CLI read. Adding a vendor is a row here, its package
 * as a dependency, a row in `test/adapter-shape.test.ts` (the compiler asks for it) and, for callbacks
 * whose URL mjgate did not send, its body shape in `sniff.ts`. The API-key variable and the
 * capabilities come from the adapter, so each is written once.
 */
export const BUILTIN_VENDORS = {
  imaginepro: vendor<ImagineProOptions>({
    title: 'ImaginePro',
    packageName: '@mjgate/imaginepro',
    load: () => import('@mjgate/imaginepro').then((adapter) => adapter.createImaginePro),
    env: { apiKey: IMAGINEPRO_API_KEY_ENV, baseURL: IMAGINEPRO_BASE_URL_ENV },
    defaultBaseURL: IMAGINEPRO_BASE_URL,
    capabilities: IMAGINEPRO_CAPABILITIES,
  }),
  acedata: vendor<AceDataOptions>({
    title: 'AceData Cloud',
    packageName: '@mjgate/acedata',
    load: () => import('@mjgate/acedata').then((adapter) => adapter.createAceData),
    env: { apiKey: ACEDATA_API_KEY_ENV, baseURL: ACEDATA_BASE_URL_ENV },
    defaultBaseURL: ACEDATA_BASE_URL,
    capabilities: ACEDATA_CAPABILITIES,
  }),
  apiframe: vendor<ApiFrameOptions>({
    title: 'APIFRAME',
    packageName: '@mjgate/apiframe',
    load: () => import('@mjgate/apiframe').then((adapter) => adapter.createApiFrame),
    env: { apiKey: APIFRAME_API_KEY_ENV, baseURL: APIFRAME_BASE_URL_ENV },
    defaultBaseURL: APIFRAME_BASE_URL,
    capabilities: APIFRAME_CAPABILITIES,
  }),
  mjproxy: vendor<MjProxyOptions>({
    title: 'midjourney-proxy',
    packageName: '@mjgate/mjproxy',
    load: () => import('@mjgate/mjproxy').then((adapter) => adapter.createMjProxy),
    env: { apiKey: MJPROXY_API_KEY_ENV, baseURL: MJPROXY_BASE_URL_ENV },
    capabilities: MJPROXY_CAPABILITIES,
  }),
} as const;

/** The name of a vendor mjgate ships an adapter for. */
export type BuiltinProvider = keyof typeof BUILTIN_VENDORS;

/** The options of a built-in vendor's adapter, e.g. `VendorOptions<'acedata'>` is `AceDataOptions`. */
export type VendorOptions<Name extends BuiltinProvider> =
  (typeof BUILTIN_VENDORS)[Name] extends BuiltinVendor<infer Options> ? Options : never;

/** The vendors mjgate ships adapters for, in the registry's order. */
export const BUILTIN_PROVIDERS = Object.keys(BUILTIN_VENDORS) as readonly BuiltinProvider[];

/** True for the name of a vendor mjgate ships an adapter for. */
export function isBuiltin(name: string): name is BuiltinProvider {
  return Object.hasOwn(BUILTIN_VENDORS, name);
}

/**
 * The built-in vendor `name`'s entry, its loader typed for the shared options the gateway passes
 * (every adapter's own options only add optional settings to them).
 */
export function builtinVendor(name: BuiltinProvider): BuiltinVendor<ProviderOptions> {
  return BUILTIN_VENDORS[name];
}
