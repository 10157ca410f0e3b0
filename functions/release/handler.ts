// Placeholder until the handler lands; infra needs an entry to bundle.
export const handler = async (): Promise<void> => {};
