/** The table kept changing under a render: the records are retried later. */
export class ConcurrentChangeError extends Error {
  constructor(unit: string, attempts: number) {
    super(`${unit}: the table changed during each of ${attempts} renders`);
    this.name = 'ConcurrentChangeError';
  }
}
