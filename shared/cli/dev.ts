import { join, resolve } from 'node:path';
import { INBOX_PREFIX } from '../contract/inbox.ts';
import { startEmbeddedAws } from '../local/embedded-aws.ts';
import { startInboxMirror } from '../local/inbox-mirror.ts';
import { startPipeline } from '../local/pipeline.ts';
import { startSiteServer } from '../local/site-server.ts';
import { HttpHubNotifier } from '../stores/http-hub-notifier.ts';
import { banner } from './dev-banner.ts';
import {
  checkFoldersApart,
  claimDataDir,
  ensureInbox,
  MIRROR_MANIFEST,
  prepareDataDir,
  refuseIfInUse,
  rememberSiteUrl,
} from './dev-folders.ts';
import { keepQueue } from './dev-queue.ts';
import { serveOperations } from './operations/dev-control.ts';
import { LocalOperations } from './operations/local.ts';
import { siteConfig } from './options.ts';
import {
  describeOutcome,
  describePublish,
  describeRelease,
  nestedArticlesNote,
  Progress,
} from './reporter.ts';
import { Resources, stopOnSignals, stopRequested } from './shutdown.ts';

export interface DevOptions {
  port: number;
  s3Port: number;
  dynamoPort?: number;
  siteUrl?: string;
  itemLimit?: number;
  hub?: readonly string[];
  dataDir: string;
  inbox: string;
  fresh: boolean;
}

const print = (text: string) => console.log(text);

const warn = (text: string) => console.error(text);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * `feedpub dev`: the site server, the embedded AWS, the pipeline and the inbox mirror, all
 * stopped again on Ctrl-C or on any start-up error. Resolves once everything is running.
 */
export async function dev(options: DevOptions): Promise<void> {
  const dataDir = resolve(options.dataDir);
  const inbox = resolve(options.inbox);
  checkFoldersApart(inbox, dataDir);
  const resources = new Resources();
  let startupDone = () => {};
  const started = new Promise<void>((done) => {
    startupDone = done;
  });
  stopOnSignals({
    started: () => started,
    stop: () => resources.stopAll(),
    onSignal: () => print('\nfeedpub: stopping…'),
    stopWhenOrphaned: true,
  });
  try {
    // Another dev on this data folder first (its ports are taken too, but that is not why).
    refuseIfInUse(dataDir);
    // The HTTP port then: if it is taken, we fail before Java starts.
    const server = await startSiteServer({ port: options.port });
    resources.add(server.close);
    prepareDataDir(dataDir, options.fresh);
    const release = claimDataDir(dataDir);
    resources.add(async () => release());
    const createdInbox = ensureInbox(inbox);
    const site = siteConfig(options.siteUrl ?? server.url, options.itemLimit, options.hub, {
      deployed: false,
    });
    const previousUrl = rememberSiteUrl(dataDir, site.url);
    print('feedpub: starting DynamoDB Local and s3rver…');

    const aws = await startEmbeddedAws({
      dataDir,
      dynamoPort: options.dynamoPort,
      s3Port: options.s3Port,
      handleSignals: false,
    });
    resources.add(aws.stop);
    const progress = new Progress(print);
    let notedNested = false;
    const unsubscribe = aws.onS3Event((record) => {
      const { bucket, object } = record.s3;
      if (bucket.name === aws.names.inboxBucket && object.key.startsWith(INBOX_PREFIX.articles))
        progress.expect();
    });
    resources.add(async () => unsubscribe());
    const pipeline = await startPipeline({
      aws,
      site,
      notifier: new HttpHubNotifier(),
      onIngest: (outcome) => {
        for (const text of describeOutcome(outcome)) print(text);
        const nested = nestedArticlesNote(outcome);
        if (nested && !notedNested) print(nested);
        notedNested ||= nested !== undefined;
        progress.complete();
      },
      onPublish: (result) => {
        for (const text of describePublish(result)) print(text);
      },
      onRelease: (due) => {
        for (const text of describeRelease(due)) print(text);
      },
      onStreamFailure: (records, error) => {
        // Ctrl-C reaches the emulators too (one process group): a poll they no longer answer
        // while stopping is no failure.
        if (stopRequested() && records.length === 0) return;
        warn(
          records.length > 0
            ? `feedpub: gave up publishing ${records.length} table change(s): ${messageOf(error)}`
            : `feedpub: reading the table stream failed (retrying): ${messageOf(error)}`,
        );
      },
    });
    resources.add(pipeline.stop);
    resources.add(keepQueue(dataDir, pipeline.queue, { print, warn }));
    // Before the site is served: an empty inbox still gives a home page and valid, empty feeds.
    const frame = await pipeline.publishSite();
    for (const text of describePublish({ ...frame, failures: [] })) print(text);
    for (const { unit, error } of frame.failures)
      warn(
        `feedpub: ${unit} could not be rendered yet (${messageOf(error)}); the next change renders it`,
      );
    // Started with other settings than the site was last rendered with: every file again.
    const republished = await pipeline.republishIfSettingsChanged();
    // A first start has no articles to re-render: the frame above was the whole site.
    if (republished && (republished.articles > 0 || republished.pending)) {
      for (const text of describePublish({ ...republished, failures: [] })) print(text);
      print(
        republished.pending
          ? `feedpub: settings changed; re-rendering stopped (${republished.pending}), it goes on at the next start`
          : `feedpub: settings changed; re-rendered ${republished.articles} article(s) and every feed`,
      );
    }
    // Operator commands (`feedpub status --local`…) reach this process's queues through it.
    resources.add(await serveOperations(new LocalOperations(aws, pipeline, dataDir), dataDir));
    server.attach({
      s3: aws.s3,
      bucket: aws.names.siteBucket,
      siteUrl: site.url,
      hubs: site.hubs,
      redirects: site.redirects,
    });
    if (stopRequested()) return;

    const shown = { serverUrl: server.url, siteUrl: site.url, inbox, dataDir, aws };
    for (const text of banner({ ...shown, redirects: site.redirects })) print(text);
    if (createdInbox)
      print(`Created ${inbox} with a sample article of each format in it (.txt, .md, .json).`);
    if (previousUrl)
      warn(
        `feedpub: the site URL changed from ${previousUrl} to ${site.url}; pages and feeds are rendered again with it (media included), but links to other pages inside stored articles keep the old URL until re-uploaded (or start with --fresh)`,
      );

    const mirror = await startInboxMirror({
      dir: inbox,
      s3: aws.s3,
      bucket: aws.names.inboxBucket,
      manifestPath: join(dataDir, MIRROR_MANIFEST),
      onError: (error, path) => warn(`feedpub: inbox ${path}: ${messageOf(error)}`),
      onSkipped: ({ path, reason }) => warn(`feedpub: inbox: skipped ${path}: ${reason}`),
    });
    resources.add(mirror.stop);
    const { uploaded, deleted, unchanged, keptFromOthers } = mirror.reconciled;
    print(`Inbox: ${uploaded} uploaded, ${deleted} deleted, ${unchanged} already up to date.`);
    for (const key of keptFromOthers)
      print(
        `Inbox: ${key} was replaced in the bucket by another S3 client since the folder sent it: kept as it is (the folder's file is sent again when it changes)`,
      );
  } catch (error) {
    await resources.stopAll();
    throw error;
  } finally {
    startupDone();
  }
}
