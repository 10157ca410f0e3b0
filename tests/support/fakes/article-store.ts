import { AsyncLocalStorage } from 'node:async_hooks';
import { MemoryArticleTable, type TableCall } from '../../../shared/stores/memory-table.ts';

export type { TableChange, TableSnapshot } from '../../../shared/stores/memory-table.ts';

type Hook<T> = ((arg: T) => void | Promise<void>) | undefined;
type Extract<K extends TableCall['kind']> = Omit<TableCall & { kind: K }, 'kind'>;

/**
 * The product's in-memory table (shared/stores/memory-table.ts) with hooks: a test plays a
 * concurrent writer, moves the table between two reads, or injects a failure.
 */
export class InMemoryArticleTable extends MemoryArticleTable {
  /** Set inside a hook's own calls, so they do not run hooks again (other callers still do). */
  private readonly inHook = new AsyncLocalStorage<true>();

  /**
   * Runs before each commit is checked. It may throw (an injected failure) or write to the
   * table (a concurrent writer; its own commits do not run the hook again).
   */
  beforeCommit?: (change: Extract<'commit'>['change']) => void | Promise<void>;
  /** Runs before each read, likewise: a test can move the table between two reads. */
  beforeRead?: (read: Extract<'read'>['read']) => void | Promise<void>;
  /** Runs before each ledger call, likewise: a test can play another publisher in between. */
  beforeLedger?: (call: Extract<'ledger'>['call']) => void | Promise<void>;

  protected override async before(call: TableCall): Promise<void> {
    if (call.kind === 'read') await this.hook(this.beforeRead, call.read);
    else if (call.kind === 'commit') await this.hook(this.beforeCommit, call.change);
    else await this.hook(this.beforeLedger, call.call);
  }

  private async hook<T>(run: Hook<T>, arg: T) {
    if (!run || this.inHook.getStore()) return;
    await this.inHook.run(true, () => run(arg));
  }
}
