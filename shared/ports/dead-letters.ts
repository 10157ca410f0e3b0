/** Where a message that can never succeed is parked at once, instead of being retried. */
export interface DeadLetters {
  /** Keeps `body` with the reason it was parked; throws when it could not (then retry it). */
  park(body: string, reason: string): Promise<void>;
}
