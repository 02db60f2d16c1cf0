/** A first-in first-out queue of ids worked on by a fixed number of concurrent workers. */

/** Runs `work(id)` for queued ids, at most `concurrency` at a time; an id waits only once. */
export class WorkQueue {
  #work: (id: string) => Promise<void>;
  #concurrency: number;
  #onError: (id: string, err: unknown) => void;
  #queue: string[] = [];
  #head = 0;
  #queued = new Set<string>();
  #active = 0;
  #idleWaiters: (() => void)[] = [];
  #closed = false;

  constructor(
    work: (id: string) => Promise<void>,
    options: { concurrency: number; onError: (id: string, err: unknown) => void },
  ) {
    this.#work = work;
    this.#concurrency = options.concurrency;
    this.#onError = options.onError;
  }

  /** Queues an id unless it is already waiting. */
  add(id: string): void {
    if (this.#closed || this.#queued.has(id)) return;
    this.#queued.add(id);
    this.#queue.push(id);
    this.#pump();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.#active === 0 && this.#head >= this.#queue.length) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Forgets what waits and takes no more; running work finishes. */
  close(): void {
    this.#closed = true;
    this.#queue = [];
    this.#head = 0;
    this.#queued.clear();
    this.#pump();
  }

  #pump(): void {
    while (this.#active < this.#concurrency && this.#head < this.#queue.length) {
      const id = this.#queue[this.#head++];
      this.#queued.delete(id);
      this.#active++;
      this.#work(id).catch((err) => this.#onError(id, err)).finally(() => {
        this.#active--;
        this.#pump();
      });
    }
    // Drop the consumed head now and then instead of shift()ing tens of thousands of ids.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    if (this.#active === 0 && this.#head >= this.#queue.length) {
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }
}
