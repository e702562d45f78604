// The tests' outbound mail server is the sandbox's mailbox (src/sandbox/mail-sink.ts).
export { SmtpSink } from '../../src/sandbox/mail-sink.js';
