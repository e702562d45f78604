import { connect, type Socket } from 'node:net';
import { waitFor } from './settle.js';

/** A raw SMTP conversation, one command at a time, for tests that need control over a single connection. */
export class SmtpDialog {
  private buffer = '';
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number): Promise<{ dialog: SmtpDialog; greeting: string }> {
    const socket = connect(port, '127.0.0.1');
    const dialog = new SmtpDialog(socket);
    return { dialog, greeting: await dialog.reply() };
  }

  /** The next complete reply (last line `NNN text`), or '' once the server closed the connection. */
  async reply(timeoutMs = 30_000): Promise<string> {
    const found = await waitFor(
      () => {
        const m = /^(?:\d{3}-.*\r\n)*\d{3} .*\r\n/.exec(this.buffer);
        if (m) {
          this.buffer = this.buffer.slice(m[0].length);
          return { reply: m[0].trim() };
        }
        return this.closed ? { reply: '' } : undefined;
      },
      'an SMTP reply',
      timeoutMs,
      () => `have ${JSON.stringify(this.buffer)}`,
    );
    return found.reply;
  }

  async send(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  /** One whole message on this connection; the reply to MAIL FROM when that is refused, else to the data. */
  async mail(from: string, to: string, message: string): Promise<string> {
    const mailFrom = await this.send(`MAIL FROM:<${from}>`);
    if (!mailFrom.startsWith('250')) return mailFrom;
    const rcpt = await this.send(`RCPT TO:<${to}>`);
    if (!rcpt.startsWith('250')) return rcpt;
    const data = await this.send('DATA');
    if (!data.startsWith('354')) return data;
    return this.send(`${message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..')}\r\n.`);
  }

  close(): void {
    this.socket.destroy();
  }
}
