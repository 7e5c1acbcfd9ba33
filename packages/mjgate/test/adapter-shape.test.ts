import type { AceDataOptions, createAceData } from '@mjgate/acedata';
import type { ApiFrameOptions, createApiFrame } from '@mjgate/apiframe';
import { AuthenticationError, InvalidRequestError, type MidjourneyClient, type ProviderOptions } from '@mjgate/core';
import type { createImaginePro, ImagineProOptions } from '@mjgate/imaginepro';
import type { createMjProxy, MjProxyOptions } from '@mjgate/mjproxy';
import { afterEach, beforeAll, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  BUILTIN_PROVIDERS,
  BUILTIN_VENDORS,
  type BuiltinProvider,
  builtinCapabilities,
  PROVIDER_ENV,
  type VendorOptions,
} from '../src/index.js';

/**
 * Every adapter package has the same face, so a person adding a vendor knows what to export and the
 * gateway's registry can list it: a `create<Vendor>` factory taking the package's `<Vendor>Options`,
 * `<VENDOR>_CAPABILITIES` (static, equal to what a built client reports), `<VENDOR>_API_KEY_ENV`,
 * `<VENDOR>_BASE_URL`, and a client that parses webhooks and finds lost submissions. The vendors
 * come from the registry, so a new row there is checked here without a change to this file.
 */

/**
 * Each vendor's factory and options type, as its package exports them. Keyed by the registry's
 * names (checked below), so a vendor added to the registry fails to compile until it has a row.
 */
type ExportedTypes = {
  imaginepro: { create: typeof createImaginePro; options: ImagineProOptions };
  acedata: { create: typeof createAceData; options: AceDataOptions };
  apiframe: { create: typeof createApiFrame; options: ApiFrameOptions };
  mjproxy: { create: typeof createMjProxy; options: MjProxyOptions };
};

describe('every adapter package exports the same shape (types)', () => {
  it('a row per registry vendor; the factory takes the package’s options type, which the registry and the gateway use', () => {
    expectTypeOf<keyof ExportedTypes>().toEqualTypeOf<BuiltinProvider>();
    // The factory's (optional) argument is the exported options type.
    expectTypeOf<{ [Name in BuiltinProvider]: Parameters<ExportedTypes[Name]['create']>[0] }>().toEqualTypeOf<{
      [Name in BuiltinProvider]: ExportedTypes[Name]['options'] | undefined;
    }>();
    // The registry (and so the gateway's `providers` config) types each vendor with that same type.
    expectTypeOf<{ [Name in BuiltinProvider]: VendorOptions<Name> }>().toEqualTypeOf<{
      [Name in BuiltinProvider]: ExportedTypes[Name]['options'];
    }>();
    // Each vendor's options are the shared options plus its own settings, and its client is a MidjourneyClient.
    expectTypeOf<ExportedTypes[BuiltinProvider]['options']>().toExtend<ProviderOptions>();
    expectTypeOf<ReturnType<ExportedTypes[BuiltinProvider]['create']>>().toExtend<MidjourneyClient>();
  });
});

describe.each(BUILTIN_PROVIDERS)('the %s adapter package', (name) => {
  const vendor = BUILTIN_VENDORS[name];
  const prefix = name.toUpperCase();
  const load = async () => (await import(vendor.packageName)) as Record<string, unknown>;
  // The light entry the registry reads (the vendor's host, variables and capabilities, no client).
  const light = async () => (await import(`${vendor.packageName}/vendor`)) as Record<string, unknown>;
  let create: (options: ProviderOptions) => MidjourneyClient;
  beforeAll(async () => {
    create = (await vendor.load()) as (options: ProviderOptions) => MidjourneyClient;
  });

  beforeEach(() => {
    // A protocol with no host of its own (mj-proxy) needs a base URL to build a client at all.
    if (!vendor.defaultBaseURL) vi.stubEnv(vendor.env.baseURL, 'https://proxy.example.com');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('exports one create<Vendor> factory, the one the registry loads', async () => {
    const exported = await load();
    const factories = Object.entries(exported).filter(
      ([exportName, value]) => typeof value === 'function' && /^create[A-Z]/.test(exportName),
    );
    expect(factories).toHaveLength(1);
    expect(factories[0]![1]).toBe(create);
  });

  it(`exports ${prefix}_CAPABILITIES: static data equal to what a built client reports`, async () => {
    const exported = await load();
    // The same object in the built packages (one shared chunk); here the adapter is read from its
    // sources and the light entry may come from its build, so equal is what holds everywhere.
    expect(exported[`${prefix}_CAPABILITIES`]).toEqual(vendor.capabilities);
    expect((await light())[`${prefix}_CAPABILITIES`]).toBe(vendor.capabilities);
    const client = create({ apiKey: 'shape-test-key' });
    expect(client.capabilities).toEqual(vendor.capabilities);
    // The gateway's view reads the registry, not a client.
    expect(builtinCapabilities()[name]).toBe(vendor.capabilities);
  });

  it(`exports ${prefix}_API_KEY_ENV, the variable its factory reads the key from`, async () => {
    const exported = await load();
    expect(exported[`${prefix}_API_KEY_ENV`]).toBe(vendor.env.apiKey);
    expect((await light())[`${prefix}_API_KEY_ENV`]).toBe(vendor.env.apiKey);
    expect(PROVIDER_ENV[name].apiKey).toBe(vendor.env.apiKey);
    vi.stubEnv(vendor.env.apiKey, '');
    expect(() => create({})).toThrow(AuthenticationError);
    expect(() => create({})).toThrow(vendor.env.apiKey);
    vi.stubEnv(vendor.env.apiKey, 'key-from-the-environment');
    expect(create({}).provider).toBe(name);
  });

  it(`exports ${prefix}_BASE_URL_ENV, the variable its factory reads the base URL from, and ${prefix}_BASE_URL, its https host`, async () => {
    const exported = await load();
    expect(vendor.env.baseURL).toBe(`${prefix}_BASE_URL`);
    expect(exported[`${prefix}_BASE_URL_ENV`]).toBe(vendor.env.baseURL);
    expect((await light())[`${prefix}_BASE_URL_ENV`]).toBe(vendor.env.baseURL);
    expect(PROVIDER_ENV[name].baseURL).toBe(vendor.env.baseURL);
    if (!vendor.defaultBaseURL) {
      // No default host: the variable is the only way besides { baseURL }, and leaving both out is refused.
      vi.stubEnv(vendor.env.baseURL, '');
      expect(() => create({ apiKey: 'shape-test-key' })).toThrow(InvalidRequestError);
    } else {
      expect(exported[`${prefix}_BASE_URL`]).toBe(vendor.defaultBaseURL);
      expect((await light())[`${prefix}_BASE_URL`]).toBe(vendor.defaultBaseURL);
      expect(new URL(vendor.defaultBaseURL).protocol).toBe('https:');
    }
    const first = async (options: ProviderOptions) => {
      const urls: string[] = [];
      const fetch = async (request: RequestInfo | URL) => {
        urls.push(request instanceof Request ? request.url : String(request));
        return new Response('{}', { status: 503 });
      };
      await create({ apiKey: 'shape-test-key', maxRetries: 0, fetch, ...options })
        .imagine({ prompt: 'a fox' })
        .catch(() => {});
      return urls[0];
    };
    // With no baseURL the factory reads the variable: the README's one-vendor example points at a simulator without code changes.
    vi.stubEnv(vendor.env.baseURL, 'http://127.0.0.1:9/from-env');
    expect(await first({})).toMatch(/^http:\/\/127\.0\.0\.1:9\/from-env\//);
    // The option wins over the variable; the deprecated spelling still works, and both at odds is refused.
    expect(await first({ baseURL: 'http://127.0.0.1:9/option' })).toMatch(/^http:\/\/127\.0\.0\.1:9\/option\//);
    expect(await first({ baseUrl: 'http://127.0.0.1:9/old' })).toMatch(/^http:\/\/127\.0\.0\.1:9\/old\//);
    expect(() =>
      create({ apiKey: 'shape-test-key', baseURL: 'http://a.example', baseUrl: 'http://b.example' }),
    ).toThrow(/Both baseURL and baseUrl/);
  });

  it('builds a client for its vendor that parses webhooks and finds lost submissions', () => {
    const client = create({ apiKey: 'shape-test-key' });
    expect(client.provider).toBe(name);
    expect(client.parseWebhook).toBeTypeOf('function');
    expect(client.findSubmission).toBeTypeOf('function');
  });
});
