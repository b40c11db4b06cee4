import type pg from 'pg';

/**
 * `COPY … FROM STDIN` over node-pg's own connection (the submittable protocol pg-copy-streams uses), so the
 * baseline needs no extra dependency. Chunks are written with back-pressure.
 */
class CopyFromStdin {
  private resolve!: (rows: number) => void;
  private reject!: (e: Error) => void;
  private rows = 0;
  private error: Error | undefined;
  readonly done = new Promise<number>((res, rej) => {
    this.resolve = res;
    this.reject = rej;
  });

  constructor(
    private readonly sql: string,
    private readonly chunks: Iterable<Buffer>,
  ) {}

  submit(connection: { query(sql: string): void }): void {
    connection.query(this.sql);
  }

  async handleCopyInResponse(connection: {
    sendCopyFromChunk(b: Buffer): void;
    endCopyFrom(): void;
    stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
  }): Promise<void> {
    for (const chunk of this.chunks) {
      connection.sendCopyFromChunk(chunk);
      if (connection.stream.writableNeedDrain) await new Promise((r) => connection.stream.once('drain', r));
    }
    connection.endCopyFrom();
  }

  handleCommandComplete(msg: { text: string }): void {
    this.rows = Number(/(\d+)$/.exec(msg.text)?.[1] ?? 0);
  }

  handleError(e: Error): void {
    this.error = e;
  }

  handleReadyForQuery(): void {
    if (this.error) this.reject(this.error);
    else this.resolve(this.rows);
  }
}

export async function copyFrom(client: pg.PoolClient | pg.Client, sql: string, chunks: Iterable<Buffer>): Promise<number> {
  const copy = new CopyFromStdin(sql, chunks);
  client.query(copy as never);
  return copy.done;
}
