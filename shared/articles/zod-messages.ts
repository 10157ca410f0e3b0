/**
 * Our schemas use zod's small build (`zod/mini`: ~25 KB in a bundle against ~90 KB for `zod`),
 * which has no messages of its own; this gives it the English ones the full build loads by
 * itself, so messages stay word for word. Import it beside `zod/mini`. (The full build also
 * installs its memoizer, cycle support for recursive schemas: none of ours is recursive, and
 * zod takes it back out of schemas that are not.)
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());
