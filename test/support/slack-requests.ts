// The signed Slack requests the tests send are the sandbox's own (src/sandbox/slack/requests.ts).
export { SlackSender, slackSignature, type ModalErrors, type SignOptions } from '../../src/sandbox/slack/requests.js';
