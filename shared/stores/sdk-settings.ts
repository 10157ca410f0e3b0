/**
 * What every SDK client of ours is built with, in Lambda and locally: the middleware stack a
 * command resolves to is the same for every call, so it is resolved once per command and
 * cached (`cacheMiddleware`): about a third of a DynamoDB request's CPU. Middleware added to a
 * client after its first call is ignored by this cache; the local clients undo it when one is
 * added (shared/local/clients.ts).
 */
export const SDK_CLIENT_SETTINGS = { cacheMiddleware: true } as const;
