// One poll loop for the tests and the sandbox: it lives with the sandbox, which ships in src/.
export { settled, trackHandlers, waitFor, type SettleOptions } from '../../src/sandbox/settle.js';
