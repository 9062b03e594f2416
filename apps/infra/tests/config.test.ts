import { describe, expect, it } from 'vitest';
import { meridianConfig } from '../meridian.config';
import { InvalidConfigError, parseConfig, primaryRegion } from '../src/config/config-schema';
import { TEST_CONFIG } from './support/synthesize';

describe('Meridian configuration', () => {
  it('accepts the shipped example and fills in defaults', () => {
    const config = parseConfig(meridianConfig);

    expect(primaryRegion(config).name).toBe('us-east-1');
    expect(config.natGateways).toBe(2);
    // No guessed zone names: CloudFormation picks the zones at deploy time unless they are configured.
    expect(config.regions[0]?.availabilityZones).toBeUndefined();
  });

  it('defaults NAT gateways to 2, the branch to main and approvals to off', () => {
    const { natGateways: _nat, ...rest } = TEST_CONFIG;
    const config = parseConfig({
      ...rest,
      pipeline: { ...TEST_CONFIG.pipeline, branch: undefined, manualApproval: undefined },
    });

    expect(config.natGateways).toBe(2);
    expect(config.pipeline.branch).toBe('main');
    expect(config.pipeline.manualApproval).toBe(false);
  });

  it('keeps regions in the given order, primary first', () => {
    const config = parseConfig(TEST_CONFIG);

    expect(config.regions.map((region) => region.name)).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
    expect(config.regions[2]?.production).toBe(false);
  });

  it('reports every problem at once', () => {
    const invalid = {
      ...TEST_CONFIG,
      account: '12345',
      regions: [{ name: 'us-east-1' }, { name: 'us-east-1' }],
      natGateways: 7,
      alarmEmail: 'not-an-email',
    };

    const error = (() => {
      try {
        parseConfig(invalid);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(InvalidConfigError);
    const issues = (error as InvalidConfigError).issues.join('\n');
    expect(issues).toContain('account');
    expect(issues).toContain('natGateways');
    expect(issues).toContain('alarmEmail');
    expect(issues).toContain('region us-east-1 is listed twice');
  });

  it('rejects availability zones outside their region and a malformed hosted zone', () => {
    expect(() =>
      parseConfig({
        ...TEST_CONFIG,
        regions: [{ name: 'eu-west-1', availabilityZones: ['eu-west-1a', 'eu-west-1b', 'us-east-1c'] }],
      }),
    ).toThrow(/availability zones of eu-west-1/);
    expect(() =>
      parseConfig({ ...TEST_CONFIG, domain: { name: 'shop.example.com', hostedZoneId: 'zone' } }),
    ).toThrow(/hosted zone/);
  });

  it('requires an https payment provider and a CodeStar connection ARN', () => {
    expect(() => parseConfig({ ...TEST_CONFIG, paymentProviderUrl: 'http://insecure.example.com' })).toThrow(
      InvalidConfigError,
    );
    expect(() =>
      parseConfig({
        ...TEST_CONFIG,
        pipeline: { ...TEST_CONFIG.pipeline, connectionArn: 'arn:aws:s3:::bucket' },
      }),
    ).toThrow(/connectionArn/);
  });
});
