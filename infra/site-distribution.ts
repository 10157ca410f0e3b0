import { Duration, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket, BucketPolicy, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  CONTENT_SECURITY_POLICY,
  EDGE_CACHE_BEHAVIORS,
  EDGE_CORS,
  EDGE_ERROR_SECONDS,
  EDGE_TTL,
  type EdgeTtl,
  edgeRequestFunctionCode,
  edgeResponseFunctionCode,
  HSTS_SECONDS,
} from '../shared/contract/edge.ts';
import { INDEX_PATH, NOT_FOUND_PATH } from '../shared/contract/site-layout.ts';
import type { FeedpubConfig } from './config.ts';

export interface SiteDistributionProps {
  readonly site: IBucket;
  readonly domain: FeedpubConfig['domain'];
  /** WebSub hubs the feeds' `Link` header names. */
  readonly hubs: readonly string[];
  /** Old addresses the viewer-request function sends on (rules `from to`). */
  readonly redirects: readonly string[];
  /** The site URL for rel="self", when known at synth (a site URL or a custom domain). */
  readonly siteUrl: string | undefined;
}

/**
 * CloudFront in front of the private site bucket, through Origin Access Control, as
 * shared/contract/edge.ts describes it (the local site server models the same).
 */
export class SiteDistribution extends Construct {
  public readonly distribution: Distribution;
  /** https://<custom domain or CloudFront domain>/ */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: SiteDistributionProps) {
    super(scope, id);

    // The bucket policy names this distribution, so it lives here, beside it: owned by the
    // data stack it would make that stack depend on this one. It is the bucket's only policy.
    const site = Bucket.fromBucketAttributes(this, 'Site', {
      bucketArn: props.site.bucketArn,
      bucketName: props.site.bucketName,
      bucketRegionalDomainName: props.site.bucketRegionalDomainName,
    });
    site.policy = new BucketPolicy(this, 'SitePolicy', { bucket: site });
    site.policy.document.addStatements(
      new PolicyStatement({
        sid: 'DenyInsecureTransport',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:*'],
        resources: [site.bucketArn, site.arnForObjects('*')],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );

    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'feedpub: security headers; feeds readable by browser-based readers',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(HSTS_SECONDS),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
      },
      corsBehavior: {
        accessControlAllowCredentials: false,
        accessControlAllowHeaders: [...EDGE_CORS.allowHeaders],
        accessControlAllowMethods: [...EDGE_CORS.allowMethods],
        accessControlAllowOrigins: [EDGE_CORS.allowOrigin],
        accessControlExposeHeaders: [...EDGE_CORS.exposeHeaders],
        originOverride: true,
      },
    });

    // Without s3:ListBucket, S3 answers 403 for a missing key; both mean "not found" here.
    const notFound = (httpStatus: number) => ({
      httpStatus,
      responseHttpStatus: 404,
      responsePagePath: `/${NOT_FOUND_PATH}`,
      ttl: Duration.seconds(EDGE_ERROR_SECONDS),
    });

    // Each object's Cache-Control decides how long the edge keeps it (a feed 1 s, a page 30 s),
    // within these bounds; nothing of the request but the path is part of the key.
    const cachePolicyOf = (id: string, comment: string, ttl: EdgeTtl) =>
      new CachePolicy(this, id, {
        comment,
        minTtl: Duration.seconds(ttl.minSeconds),
        defaultTtl: Duration.seconds(ttl.defaultSeconds),
        maxTtl: Duration.seconds(ttl.maxSeconds),
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      });
    const functionOf = (id: string, comment: string, code: string) =>
      new EdgeFunction(this, id, {
        comment,
        code: FunctionCode.fromInline(code),
        runtime: FunctionRuntime.JS_2_0,
      });
    const folders = functionOf(
      'FolderIndexes',
      'feedpub: CORS preflights; old addresses; /tags/ serves /tags/index.html; /tags to /tags/',
      edgeRequestFunctionCode(props.redirects),
    );
    const feedLinks = functionOf(
      'FeedLinks',
      'feedpub: WebSub Link headers (hubs and self) on feeds',
      edgeResponseFunctionCode({ hubs: props.hubs, siteUrl: props.siteUrl }),
    );

    // Every behaviour serves the same origin through the same functions and headers; only the
    // cache policy differs (shared/contract/edge.ts EDGE_CACHE_BEHAVIORS).
    const behavior = {
      origin: S3BucketOrigin.withOriginAccessControl(site),
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      // EDGE_METHODS: the viewer-request function answers a CORS preflight itself.
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      compress: true,
      responseHeadersPolicy: headers,
      functionAssociations: [
        { eventType: FunctionEventType.VIEWER_REQUEST, function: folders },
        { eventType: FunctionEventType.VIEWER_RESPONSE, function: feedLinks },
      ],
    } satisfies Omit<BehaviorOptions, 'cachePolicy'>;

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'feedpub site and feeds',
      defaultRootObject: INDEX_PATH,
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        ...behavior,
        cachePolicy: cachePolicyOf(
          'Cache',
          'feedpub: objects keep their own short edge lifetimes (shared/contract/edge.ts)',
          EDGE_TTL,
        ),
      },
      additionalBehaviors: Object.fromEntries(
        EDGE_CACHE_BEHAVIORS.map((b) => [
          b.pathPattern,
          { ...behavior, cachePolicy: cachePolicyOf(`${b.id}Cache`, b.comment, b.ttl) },
        ]),
      ),
      errorResponses: [notFound(403), notFound(404)],
      ...(props.domain && {
        domainNames: [props.domain.name],
        certificate: Certificate.fromCertificateArn(
          this,
          'Certificate',
          props.domain.certificateArn,
        ),
        minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      }),
    });
    this.url = `https://${props.domain?.name ?? this.distribution.distributionDomainName}/`;

    const acknowledge = (id: string, reason: string) =>
      Validations.of(this.distribution).acknowledge({ id, reason });
    acknowledge('AwsSolutions-CFR1', 'Public news feeds are meant to be read from every country.');
    acknowledge(
      'AwsSolutions-CFR2',
      'Static, cacheable, public files with no forms or API behind them; a web ACL would cost more than the site.',
    );
    acknowledge(
      'AwsSolutions-CFR3',
      'Standard logs need an ACL-enabled bucket; request counts and error rates come from CloudFront metrics instead.',
    );
    if (!props.domain) {
      acknowledge(
        'AwsSolutions-CFR4',
        'Without a custom domain CloudFront serves its *.cloudfront.net certificate, whose TLS floor it sets; with domainName and certificateArn the minimum is TLSv1.2_2021.',
      );
    }
  }
}
