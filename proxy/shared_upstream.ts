/**
 * One upstream connection per channel per proxy, fanned out to every client of that channel: the
 * same chunk is enqueued to each client's stream (no copies), so one connection counts once
 * against the provider's limit however many devices watch. Each client has a bounded buffer; a
 * client that falls too far behind is disconnected rather than slowing the others, and the
 * upstream is read no faster than the fastest client takes it. A client that joins a running
 * MPEG-TS stream starts at a packet boundary (ISO/IEC 13818-1: 188-byte packets, sync byte 0x47).
 * The clients' streams are JavaScript streams this module owns, so any of them can be cut at once
 * (a drop), which a direct upstream body could not be.
 */
import type { OpenedUpstream } from "./upstream_fetch.ts";

/** MPEG-TS packet size and sync byte. */
const TS_PACKET = 188;
const TS_SYNC = 0x47;

/** Bytes a client may fall behind before it is disconnected. */
export const CLIENT_MAX_BEHIND = 8 * 1048576;

/**
 * Reading upstream pauses while every client has this much queued: a source faster than anyone
 * watching (a file, a burst after a stall) is read at the pace of its fastest client instead of
 * filling every queue until the clients are cut as too slow. A live source never gets this far
 * ahead of a client that keeps up.
 */
export const READ_AHEAD = 1048576;

/** Why a client's stream ended. */
export type EndReason = string;

/**
 * One client's view of a shared upstream: a pull stream over a queue of its own, so its backlog
 * is known (a client too far behind is let go) and a cut takes effect before the next chunk,
 * with nothing queued left to send.
 */
export class StreamClient {
  readonly stream: ReadableStream<Uint8Array>;
  bytes = 0;
  lastActivity = Date.now();
  #queue: Uint8Array[] = [];
  #queued = 0;
  #wake: (() => void) | null = null;
  #aligned: boolean;
  #ended = false;
  #closeWhenEmpty = false;
  #onEnd: (reason: EndReason) => void;
  #onSent: () => void;

  constructor(
    opts: { aligned: boolean; onEnd: (reason: EndReason) => void; onSent?: () => void },
  ) {
    this.#aligned = opts.aligned;
    this.#onEnd = opts.onEnd;
    this.#onSent = opts.onSent ?? (() => {});
    this.stream = new ReadableStream<Uint8Array>({
      pull: (ctl) => this.#pull(ctl),
      cancel: () => this.#finish("client left"),
    }, { highWaterMark: 0 });
  }

  /** Whether the client's stream has ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Bytes queued for the client, not yet taken by its stream. */
  get queued(): number {
    return this.#queued;
  }

  #pull(ctl: ReadableStreamDefaultController<Uint8Array>): Promise<void> | void {
    const next = this.#queue.shift();
    if (next) {
      this.#queued -= next.length;
      ctl.enqueue(next);
      this.bytes += next.length;
      this.lastActivity = Date.now();
      this.#onSent();
      return;
    }
    if (this.#ended || this.#closeWhenEmpty) {
      ctl.close();
      return;
    }
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
    }).then(() => this.#pull(ctl));
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Queues a chunk for the client (the same array every client gets). */
  push(chunk: Uint8Array): void {
    if (this.#ended || this.#closeWhenEmpty) return;
    if (!this.#aligned) {
      const at = packetStart(chunk);
      if (at < 0) return;
      this.#aligned = true;
      chunk = at ? chunk.subarray(at) : chunk;
    }
    if (this.#queued > CLIENT_MAX_BEHIND) {
      this.cut("client too slow: fell more than 8 MB behind");
      return;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    this.#wakeUp();
  }

  /** Ends the client's stream after what is queued (the upstream ended). */
  end(reason: EndReason): void {
    if (this.#ended || this.#closeWhenEmpty) return;
    this.#closeWhenEmpty = true;
    this.#wakeUp();
    this.#finish(reason);
  }

  /** Ends the client's stream now, dropping what is queued (an admin's drop). */
  cut(reason: EndReason): void {
    if (this.#ended) return;
    this.#queue = [];
    this.#queued = 0;
    this.#finish(reason);
    this.#wakeUp();
  }

  #finish(reason: EndReason): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#onEnd(reason);
  }
}

/** Where a TS packet starts in `chunk` (a sync byte followed by another 188 bytes on), or -1. */
export function packetStart(chunk: Uint8Array): number {
  for (let i = 0; i < chunk.length && i < TS_PACKET * 2; i++) {
    if (chunk[i] !== TS_SYNC) continue;
    if (i + TS_PACKET >= chunk.length || chunk[i + TS_PACKET] === TS_SYNC) return i;
  }
  return chunk.length > TS_PACKET * 2 ? -1 : chunk.length ? 0 : -1;
}

/** Whether a first chunk looks like MPEG-TS (aligned packets). */
export function looksLikeTs(first: Uint8Array | null): boolean {
  return !!first && first[0] === TS_SYNC &&
    (first.length <= TS_PACKET || first[TS_PACKET] === TS_SYNC);
}

/** Cancels a reader whose stream may have failed already (that failure is reported where seen). */
export async function cancelQuietly(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<void> {
  try {
    await reader.cancel();
  } catch {
    // Nothing to cancel any more.
  }
}

/** One upstream connection and its clients. */
export class SharedUpstream {
  readonly clients = new Set<StreamClient>();
  readonly contentType: string;
  readonly isTs: boolean;
  #opened: OpenedUpstream;
  #closed = false;
  #onClose: (reason: EndReason) => void;
  #pumping: Promise<void> | null = null;
  /** resumes the reading paused because every client was READ_AHEAD behind */
  #resume: (() => void) | null = null;

  constructor(opened: OpenedUpstream, onClose: (reason: EndReason) => void) {
    this.#opened = opened;
    this.#onClose = onClose;
    this.contentType = opened.response.headers.get("content-type") ?? "application/octet-stream";
    this.isTs = looksLikeTs(opened.first);
  }

  /** Whether the upstream connection has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Settles when the upstream connection has stopped being read. */
  get done(): Promise<void> {
    return this.#pumping ?? Promise.resolve();
  }

  /**
   * Adds a client. The first one gets the first chunk (read while opening) and starts the
   * reading; later ones join a running MPEG-TS stream at its next packet start.
   */
  join(onEnd: (client: StreamClient, reason: EndReason) => void): StreamClient {
    const first = this.#pumping === null;
    const client: StreamClient = new StreamClient({
      aligned: first || !this.isTs,
      onEnd: (reason) => {
        this.clients.delete(client);
        onEnd(client, reason);
        // The last viewer gone: the connection goes, and its slot with it.
        if (this.clients.size === 0) this.close("no viewers left");
        this.#wakePump();
      },
      onSent: () => this.#wakePump(),
    });
    this.clients.add(client);
    this.#wakePump();
    if (first) {
      if (this.#opened.first) client.push(this.#opened.first);
      this.#pumping = this.#pump();
    }
    return client;
  }

  /** Closes the upstream connection and ends every client. */
  close(reason: EndReason): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const c of [...this.clients]) c.end(reason);
    void cancelQuietly(this.#opened.reader);
    this.#onClose(reason);
    this.#wakePump();
  }

  /** Whether every client has READ_AHEAD bytes queued (and reading should wait). */
  #allAhead(): boolean {
    if (this.#closed) return false;
    for (const c of this.clients) if (c.queued < READ_AHEAD) return false;
    return true;
  }

  #wakePump(): void {
    if (!this.#resume || this.#allAhead()) return;
    const resume = this.#resume;
    this.#resume = null;
    resume();
  }

  async #pump(): Promise<void> {
    try {
      while (!this.#closed) {
        if (this.#allAhead()) {
          await new Promise<void>((resolve) => this.#resume = resolve);
          continue;
        }
        const r = await this.#opened.reader.read();
        if (r.done) break;
        for (const c of this.clients) c.push(r.value);
      }
      this.close("upstream ended");
    } catch (err) {
      this.close(`upstream failed: ${(err as Error).message}`);
    }
  }
}
