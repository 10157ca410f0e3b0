/**
 * Counts the steps a scanner takes (characters looked at, nodes visited), so tests can show
 * that work grows linearly with input without timing anything.
 */
export interface WorkMeter {
  steps: number;
}
