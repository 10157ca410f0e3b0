import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  EDGE_CACHE_BEHAVIORS,
  EDGE_METHODS,
  EDGE_TTL,
  edgeRequestFunctionCode,
  edgeResponseFunctionCode,
} from '../../shared/contract/edge.ts';
import { MEDIA_CACHE_CONTROL } from '../../shared/contract/media.ts';
import {
  arnOf,
  logicalIdOf,
  objectsOf,
  synthFeedpub,
  type TemplateJson,
  type Templates,
  withDataRefs,
} from './synth-feedpub.ts';

const REDIRECTS = '/posts/:slug/ /articles/posts/:slug.html, /feed/ /rss.xml';
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e8c5a-1111-2222-3333-444455556666';

let t: Templates;
let custom: Templates;
beforeAll(() => {
  t = synthFeedpub();
  custom = synthFeedpub({
    context: { domainName: 'news.example.com', certificateArn: CERT, redirects: REDIRECTS },
  });
});
afterAll(() => {
  t?.feedpub.dispose();
  custom?.feedpub.dispose();
});

const configOf = (templates: Templates) => {
  const [distribution] = Object.values(
    templates.service.findResources('AWS::CloudFront::Distribution'),
  );
  return withDataRefs(distribution?.Properties.DistributionConfig, templates.data) as TemplateJson;
};
/** The CachePolicyConfig a behaviour's `CachePolicyId: { Ref }` names. */
const cachePolicyOf = (id: { Ref: string }) => {
  const policies = t.service.findResources('AWS::CloudFront::CachePolicy');
  expect(Object.keys(policies)).toContain(id.Ref);
  return policies[id.Ref]?.Properties.CachePolicyConfig;
};
const PATH_ONLY_KEY = {
  EnableAcceptEncodingGzip: true,
  EnableAcceptEncodingBrotli: true,
  QueryStringsConfig: { QueryStringBehavior: 'none' },
  CookiesConfig: { CookieBehavior: 'none' },
  HeadersConfig: { HeaderBehavior: 'none' },
};
const distributionId = () =>
  Object.keys(t.service.findResources('AWS::CloudFront::Distribution'))[0];

describe('CloudFront distribution', () => {
  it('serves index.html at the root, compressed, HTTPS only', () => {
    const config = configOf(t);
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior).toMatchObject({
      Compress: true,
      ViewerProtocolPolicy: 'redirect-to-https',
    });
  });

  it('reads the site bucket through an Origin Access Control that signs requests', () => {
    const [origin] = configOf(t).Origins;
    const siteId = logicalIdOf(t.feedpub.data.site);
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [siteId, 'RegionalDomainName'] });
    expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    const [oacId, oac] =
      Object.entries(t.service.findResources('AWS::CloudFront::OriginAccessControl'))[0] ?? [];
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(oac?.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
  });

  it('answers missing pages (403 or 404 from S3) with /404.html and status 404', () => {
    expect(configOf(t).CustomErrorResponses).toEqual([
      { ErrorCode: 403, ResponseCode: 404, ResponsePagePath: '/404.html', ErrorCachingMinTTL: 2 },
      { ErrorCode: 404, ResponseCode: 404, ResponsePagePath: '/404.html', ErrorCachingMinTTL: 2 },
    ]);
  });

  it('lets each object decide its edge lifetime within a minute, keyed by path only, compressed', () => {
    const config = cachePolicyOf(configOf(t).DefaultCacheBehavior.CachePolicyId);
    expect(config).toMatchObject({ MinTTL: 0, DefaultTTL: 5, MaxTTL: 60 });
    expect(config).toMatchObject({
      MinTTL: EDGE_TTL.minSeconds,
      DefaultTTL: EDGE_TTL.defaultSeconds,
      MaxTTL: EDGE_TTL.maxSeconds,
    });
    expect(config.ParametersInCacheKeyAndForwardedToOrigin).toEqual(PATH_ONLY_KEY);
  });

  it('keeps media/* up to a year with a cache policy of its own, keyed by path only', () => {
    const behaviors = configOf(t).CacheBehaviors as TemplateJson[];
    const media = behaviors[0] as TemplateJson;
    expect(behaviors.map((b) => b.PathPattern)).toEqual(['media/*']);
    const config = cachePolicyOf(media.CachePolicyId);
    // As long as the files' own Cache-Control asks: a year, immutable.
    expect(MEDIA_CACHE_CONTROL).toContain(`max-age=${config.MaxTTL}`);
    expect(config).toMatchObject({
      MinTTL: 0,
      DefaultTTL: EDGE_TTL.defaultSeconds,
      MaxTTL: 31_536_000,
    });
    const [rule] = EDGE_CACHE_BEHAVIORS;
    expect(config).toMatchObject({
      MinTTL: rule.ttl.minSeconds,
      DefaultTTL: rule.ttl.defaultSeconds,
      MaxTTL: rule.ttl.maxSeconds,
    });
    expect(config.ParametersInCacheKeyAndForwardedToOrigin).toEqual(PATH_ONLY_KEY);
    expect(media.CachePolicyId).not.toEqual(configOf(t).DefaultCacheBehavior.CachePolicyId);
  });

  it('serves media/* exactly as the default behaviour does but for the cache policy', () => {
    const { CachePolicyId: _default, ...rest } = configOf(t).DefaultCacheBehavior;
    const media = (configOf(t).CacheBehaviors as TemplateJson[])[0] as TemplateJson;
    const { CachePolicyId: _media, PathPattern, ...mediaRest } = media;
    expect(PathPattern).toBe('media/*');
    expect(mediaRest).toEqual(rest);
    expect(rest).toMatchObject({
      Compress: true,
      ViewerProtocolPolicy: 'redirect-to-https',
      // CORS preflights reach the viewer-request function, which answers them.
      AllowedMethods: [...EDGE_METHODS],
      ResponseHeadersPolicyId: expect.anything(),
      FunctionAssociations: expect.any(Array),
    });
    expect(configOf(t).Origins).toHaveLength(1);
  });

  it('runs the folder-index and feed-link functions of shared/contract/edge.ts on every request', () => {
    const functions = t.service.findResources('AWS::CloudFront::Function');
    const associations = configOf(t).DefaultCacheBehavior.FunctionAssociations as {
      EventType: string;
      FunctionARN: { 'Fn::GetAtt': [string, string] };
    }[];
    const codeOf = (event: string) => {
      const association = associations.find((a) => a.EventType === event);
      const id = association?.FunctionARN['Fn::GetAtt'][0] ?? '';
      expect(functions[id]?.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
      return functions[id]?.Properties.FunctionCode;
    };
    expect(codeOf('viewer-request')).toBe(edgeRequestFunctionCode());
    expect(codeOf('viewer-response')).toBe(
      edgeResponseFunctionCode({ hubs: ['https://pubsubhubbub.appspot.com/'] }),
    );
    const withDomain = custom.service.findResources('AWS::CloudFront::Function');
    const customCode = Object.values(withDomain).map((f) => f.Properties.FunctionCode);
    // The old addresses of cdk.json's `redirects`, in the viewer-request function.
    expect(customCode).toContain(
      edgeRequestFunctionCode(['/posts/:slug/ /articles/posts/:slug.html', '/feed/ /rss.xml']),
    );
    expect(customCode.join('\n')).toContain('/articles/posts/');
    expect(customCode).toContain(
      edgeResponseFunctionCode({
        hubs: ['https://pubsubhubbub.appspot.com/'],
        siteUrl: 'https://news.example.com/',
      }),
    );
  });

  it('adds HSTS, nosniff, DENY framing, a referrer policy and a CSP to every response', () => {
    const [policyId, policy] =
      Object.entries(t.service.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0] ?? [];
    expect(configOf(t).DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    const security = policy?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(security).toEqual({
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 730 * 86400,
        IncludeSubdomains: true,
        Override: true,
      },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
      ContentSecurityPolicy: { ContentSecurityPolicy: CONTENT_SECURITY_POLICY, Override: true },
    });
    // Browser-based readers: any origin may GET, and read the validators and the WebSub Link.
    expect(policy?.Properties.ResponseHeadersPolicyConfig.CorsConfig).toEqual({
      AccessControlAllowCredentials: false,
      AccessControlAllowHeaders: { Items: ['*'] },
      AccessControlAllowMethods: { Items: ['GET', 'HEAD'] },
      AccessControlAllowOrigins: { Items: ['*'] },
      AccessControlExposeHeaders: { Items: ['ETag', 'Last-Modified', 'Link'] },
      OriginOverride: true,
    });
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('script-src');
  });

  it('has no custom domain by default, and the CloudFront URL is the site URL', () => {
    expect(configOf(t).Aliases).toBeUndefined();
    const outputs = t.service.toJSON().Outputs;
    expect(outputs.SiteUrl.Value).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId(), 'DomainName'] }, '/']],
    });
  });

  it('with domainName and certificateArn: alias, that certificate, SNI, TLS 1.2 at least', () => {
    const config = configOf(custom);
    expect(config.Aliases).toEqual(['news.example.com']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: CERT,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    const outputs = custom.service.toJSON().Outputs;
    expect(outputs.SiteUrl.Value).toBe('https://news.example.com/');
    expect(outputs.DistributionDomainName.Value).toEqual({
      'Fn::GetAtt': [
        Object.keys(custom.service.findResources('AWS::CloudFront::Distribution'))[0],
        'DomainName',
      ],
    });
  });
});

describe('site bucket policy', () => {
  const statements = () => {
    const policies = Object.values(t.service.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(1);
    const policy = withDataRefs(policies[0]?.Properties, t.data) as TemplateJson;
    expect(policy.Bucket).toEqual({ Ref: logicalIdOf(t.feedpub.data.site) });
    return policy.PolicyDocument.Statement as Record<string, unknown>[];
  };

  it('lets only this distribution read objects, via the CloudFront service principal', () => {
    const allows = statements().filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: objectsOf(t.feedpub.data.site, '*'),
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  { Ref: distributionId() },
                ],
              ],
            },
          },
        },
      },
    ]);
  });

  it('refuses requests without TLS', () => {
    expect(statements()).toContainEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: [arnOf(t.feedpub.data.site), objectsOf(t.feedpub.data.site, '*')],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });
});
