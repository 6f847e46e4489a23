import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/**
 * Calls `onChange` when any of a set of files changes. Folders are watched rather than
 * files, so that a file replaced by a rename (as editors and atomic writes do) is still seen.
 */
export class FileWatch {
  readonly #folders = new Map<string, FSWatcher>();
  #files = new Set<string>();

  constructor(readonly onChange: () => void) {}

  /** Watch exactly these files from now on. */
  set(files: Iterable<string>): void {
    this.#files = new Set([...files].map((f) => resolve(f)));
    const folders = new Set([...this.#files].map((f) => dirname(f)));
    for (const [dir, w] of this.#folders) {
      if (folders.has(dir)) continue;
      w.close();
      this.#folders.delete(dir);
    }
    for (const dir of folders) {
      if (this.#folders.has(dir)) continue;
      const w = watch(dir, (_event, name) => {
        if (name === null || this.#files.has(resolve(dir, basename(name)))) this.onChange();
      });
      w.on('error', () => {}); // a folder removed: its files are reported missing by the next reload
      this.#folders.set(dir, w);
    }
  }

  close(): void {
    for (const w of this.#folders.values()) w.close();
    this.#folders.clear();
  }
}

/** Runs `task` after each `trigger()`, one run at a time; triggers during a run cause one more run after it. */
export function serialized(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = async () => {
    running = true;
    do {
      again = false;
      await task();
    } while (again);
    running = false;
  };
  return () => {
    if (running) again = true;
    else void run();
  };
}
