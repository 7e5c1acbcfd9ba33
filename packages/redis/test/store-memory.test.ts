// The same contract, against core's in-memory store: the two stores are interchangeable.
import { createMemoryStore } from '@mjgate/core';
import { storeContract } from './store-contract.js';

storeContract('memory', async () => {
  const store = createMemoryStore();
  return { store, cleanup: async () => store.close?.() };
});
