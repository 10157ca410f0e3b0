/** A table item that does not have the shape this code writes (a manual edit, an older version). */
export class InvalidItemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidItemError';
  }
}
