import { describe, expect, it } from 'vitest';
import { ConfigurationError, readEnv } from './env';

describe('readEnv', () => {
  it('returns only the requested variables, parsed', () => {
    const env = readEnv(['TABLE_NAME', 'MERIDIAN_REGIONS', 'DLQ_URL'], {
      TABLE_NAME: 'meridian',
      MERIDIAN_REGIONS: 'eu-west-1, us-east-1',
      DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/1/a,https://sqs.eu-west-1.amazonaws.com/1/b',
      JWT_ISSUER: 'not read',
    });

    expect(env).toEqual({
      TABLE_NAME: 'meridian',
      MERIDIAN_REGIONS: ['eu-west-1', 'us-east-1'],
      DLQ_URL: ['https://sqs.eu-west-1.amazonaws.com/1/a', 'https://sqs.eu-west-1.amazonaws.com/1/b'],
    });
  });

  it('names every missing or invalid variable in one error', () => {
    const read = () =>
      readEnv(['TABLE_NAME', 'JWKS_URL', 'MERIDIAN_ACCOUNT'], {
        JWKS_URL: 'not a url',
        MERIDIAN_ACCOUNT: '123',
      });

    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(
      /TABLE_NAME is not set; JWKS_URL is invalid .*; MERIDIAN_ACCOUNT is invalid \(not a 12-digit AWS account id\)/,
    );
  });

  it('falls back to AWS_REGION for this region', () => {
    expect(readEnv(['MERIDIAN_REGION'], { AWS_REGION: 'us-east-1' })).toEqual({
      MERIDIAN_REGION: 'us-east-1',
    });
    expect(readEnv(['MERIDIAN_REGION'], { AWS_REGION: 'us-east-1', MERIDIAN_REGION: 'eu-west-1' })).toEqual({
      MERIDIAN_REGION: 'eu-west-1',
    });
  });

  it('treats an empty value as missing', () => {
    expect(() => readEnv(['EVENT_BUS_NAME'], { EVENT_BUS_NAME: '  ' })).toThrow('EVENT_BUS_NAME is not set');
  });
});
