import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

describe('logger', () => {
  it('writes JSON lines with tokens and secrets redacted', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.info(
      {
        token: 'xoxb-secret-1',
        config: { SLACK_SIGNING_SECRET: 'shh', SMTP_URL: 'smtp://u:p@h', PORT: 3000 },
        req: { headers: { authorization: 'Basic abc' } },
      },
      'hello',
    );
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({
      msg: 'hello',
      app: 'deskbell',
      token: '[redacted]',
      config: { SLACK_SIGNING_SECRET: '[redacted]', SMTP_URL: '[redacted]', PORT: 3000 },
    });
    expect(entry.req.headers.authorization).toBe('[redacted]');
    expect(lines[0]).not.toMatch(/xoxb-secret-1|shh|Basic abc/);
  });
});
