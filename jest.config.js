// jest runs the ESM-only dependencies (@actions/core 3, jose 6) as they ship: node's VM modules
// (`--experimental-vm-modules`, set in the npm scripts) load them natively, ts-jest compiles our
// .ts files to ESM (`useESM`), and the mapper strips the `.js` that NodeNext imports carry.
// cdktf runs `terraform version` at synth, and terraform would then ask a public host whether it
// is current; tests reach loopback only, so the check is off for every worker.
process.env.CHECKPOINT_DISABLE = '1';

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/closing-line-reporter.cjs'],
};
