/**
 * `mjgate`: the gateway over every vendor (`createGateway`), the webhook handler, and everything
 * `@mjgate/core` exports (the job model, errors, inputs and the `MidjourneyClient` interface).
 *
 * @module mjgate
 */
export * from '@mjgate/core';
export {
  type BuiltinProvidersConfig,
  configFromEnv,
  type GatewayConfig,
  PROVIDER_ENV,
  type ProviderEntry,
  type ProvidersConfig,
} from './config.js';
export { builtinCapabilities, createGateway, type Gateway } from './gateway.js';
export { canFallBack } from './routing.js';
export {
  BUILTIN_PROVIDERS,
  BUILTIN_VENDORS,
  type BuiltinProvider,
  type BuiltinVendor,
  type VendorOptions,
} from './vendors.js';
export {
  createWebhookHandler,
  type NodeRequestLike,
  type NodeResponseLike,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from './webhooks.js';
