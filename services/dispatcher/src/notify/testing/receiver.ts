import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeviceCommandStatusNotification } from '@snooze/core';

export interface Push {
  headers: IncomingHttpHeaders;
  /** The body bytes exactly as received (signatures are over these). */
  raw: string;
  body: DeviceCommandStatusNotification;
  receivedAt: number;
}

/** What the receiver answers: a status code, or `'hang'` to never answer (until the client gives up). */
export type Answer = number | 'hang';

/**
 * A real HTTP receiver on 127.0.0.1, as an application server would run one: records every push and answers
 * what `answer` decides. It can go down and come back up on the same port.
 */
export class TestReceiver {
  readonly pushes: Push[] = [];
  answer: (push: Push) => Answer | Promise<Answer> = () => 200;
  private server: Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/iot/command-status`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const push: Push = { headers: req.headers, raw, body: JSON.parse(raw), receivedAt: Date.now() };
        Promise.resolve(this.answer(push)).then((answer) => {
          if (answer === 'hang') return;
          if (answer >= 200 && answer < 300) this.pushes.push(push);
          res.writeHead(answer).end();
        });
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Down: the port refuses connections (open ones are cut) until start() is called again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Statuses each command's pushes arrived with, in arrival order (duplicates included). */
  statusesByCommand(): Map<string, string[]> {
    const byCommand = new Map<string, string[]>();
    for (const { body } of this.pushes) {
      const { command_id: id, status } = body.notify_data.body;
      byCommand.set(id, [...(byCommand.get(id) ?? []), status]);
    }
    return byCommand;
  }
}
