/** What DynamoDB refuses before it looks at any condition: the SDK names it ValidationException. */
export class TableValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') {
    const digits = String(Math.abs(value))
      .replace(/[.e+-]/g, '')
      .replace(/^0+/, '');
    return Math.ceil(digits.length / 2) + 1;
  }
  if (Array.isArray(value)) return 3 + value.reduce((sum, v) => sum + 1 + valueBytes(v), 0);
  if (value && typeof value === 'object') return 3 + attributesBytes(value, 1);
  return 1;
}

function attributesBytes(item: object, perAttribute: number): number {
  return Object.entries(item)
    .filter(([, value]) => value !== undefined)
    .reduce((sum, [name, value]) => sum + perAttribute + utf8(name) + valueBytes(value), 0);
}

/** An item's size as DynamoDB counts it against its 400 KB limit (names plus values). */
export function dynamoItemBytes(item: Record<string, unknown>): number {
  return attributesBytes(item, 0);
}
