import { createMockProvider } from '@mjgate/core/testing';
import { describe, expect, it } from 'vitest';
import { createGateway, type GatewayConfig } from '../src/index.js';

describe('GatewayConfig types', () => {
  // Compile-time checks (this file is type-checked by `pnpm typecheck`): each vendor's own options
  // are accepted inline, a ready client too, and an option no adapter has is a type error.
  it('accepts each adapter’s own options written inline, and ready clients', () => {
    const config: GatewayConfig = {
      providers: {
        imaginepro: { apiKey: 'k', pace: { submit: 0, read: 0 } },
        acedata: { apiKey: 'k', maxInFlight: 0, pace: { submit: 0 } },
        apiframe: { apiKey: 'k', webhookSecret: 'whsec_123456' },
        custom: createMockProvider({ provider: 'custom' }),
      },
      default: 'imaginepro',
    };
    // @ts-expect-error an option no adapter knows
    const wrong: GatewayConfig = { providers: { imaginepro: { apiKey: 'k', notAnOption: 1 } } };
    expect(createGateway(config).providers).toEqual(['imaginepro', 'acedata', 'apiframe', 'custom']);
    expect(wrong).toBeDefined();
  });
});
