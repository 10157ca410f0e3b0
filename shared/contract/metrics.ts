/**
 * The custom CloudWatch metrics the handlers emit (Powertools Metrics, as EMF lines in the
 * log) and the alarms in infra/ watch: one definition, so an alarm can never watch a name or a
 * dimension nobody emits. Plain data: imports nothing.
 */
export const METRICS = {
  /** POWERTOOLS_METRICS_NAMESPACE of every function. */
  namespace: 'feedpub',
  /**
   * The one dimension Powertools puts on every metric, valued with POWERTOOLS_SERVICE_NAME; an
   * alarm must name it with the same value, or it watches a metric that has no data.
   */
  serviceDimension: 'service',
  /** POWERTOOLS_SERVICE_NAME of each function. */
  services: {
    ingest: 'feedpub-ingest',
    publish: 'feedpub-publish',
    release: 'feedpub-release',
    announce: 'feedpub-announce',
  },
  /** Messages one ingest invocation reported failed (its batchItemFailures), 0 included. */
  ingestFailedRecords: 'ingestFailedRecords',
  /** Stream records one publish invocation reported failed (its batchItemFailures), 0 included. */
  publishFailedRecords: 'publishFailedRecords',
  /** Feeds or pages one publish invocation could not render or write, 0 included. */
  renderFailures: 'renderFailures',
  /**
   * WebSub hubs that refused every attempt of one announce invocation, 0 included (announce);
   * notices publish could not queue (publish).
   */
  hubNoticesFailed: 'hubNoticesFailed',
} as const;
