import { describe } from 'vitest';
import { leanLogContract } from '../store/lean-log.js';
import { DATABASE_URL, storesOnFreshSchemas } from './env.js';

const open = storesOnFreshSchemas();

describe.skipIf(!DATABASE_URL)('PostgresStore', () => {
  leanLogContract('postgres', () => open());
});
